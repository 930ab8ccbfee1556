'use client';

import { useActionState, useEffect, useRef } from 'react';
import { buttonClasses } from '@/components/ui/button';
import { Alert, fieldErrorClasses, hintClasses, inputClasses, labelClasses } from '@/components/ui/field';
import { Spinner } from '@/components/ui/spinner';
import { changePasswordAction, type PasswordFormState } from './actions';
import { Notice } from './settings-section';

/** Change the password (the current one is required), or set one on an account made through a provider. */
export function PasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const [state, formAction, pending] = useActionState<PasswordFormState, FormData>(changePasswordAction, {});
  const formRef = useRef<HTMLFormElement>(null);
  const currentRef = useRef<HTMLInputElement>(null);
  const newRef = useRef<HTMLInputElement>(null);
  const currentError = state.fieldErrors?.currentPassword;
  const newError = state.fieldErrors?.newPassword;

  useEffect(() => {
    if (currentError) currentRef.current?.focus();
    else if (newError) newRef.current?.focus();
    else if (state.changed) formRef.current?.reset();
  }, [state, currentError, newError]);

  return (
    <form ref={formRef} action={formAction} noValidate className="max-w-sm space-y-5">
      {hasPassword ? (
        <PasswordField ref={currentRef} id="current-password" name="currentPassword" label="Current password" autoComplete="current-password" error={currentError} />
      ) : null}
      <PasswordField ref={newRef} id="new-password" name="newPassword" label="New password" autoComplete="new-password" hint="At least 8 characters" error={newError} />
      {state.formError ? <Alert>{state.formError}</Alert> : null}
      {state.changed ? <Notice>Your password has been changed.</Notice> : null}
      <button type="submit" aria-disabled={pending || undefined} className={buttonClasses({ variant: 'primary' })}>
        {pending ? <Spinner /> : null}
        {hasPassword ? 'Change password' : 'Set password'}
      </button>
    </form>
  );
}

type PasswordFieldProps = {
  ref: React.Ref<HTMLInputElement>;
  id: string;
  name: string;
  label: string;
  autoComplete: 'current-password' | 'new-password';
  hint?: string;
  error: string | undefined;
};

function PasswordField({ ref, id, name, label, autoComplete, hint, error }: PasswordFieldProps) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className={labelClasses}>
        {label}
      </label>
      <input
        ref={ref}
        id={id}
        name={name}
        type="password"
        autoComplete={autoComplete}
        required
        minLength={autoComplete === 'new-password' ? 8 : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        className={inputClasses}
      />
      {hint ? (
        <p id={`${id}-hint`} className={hintClasses}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className={fieldErrorClasses}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
