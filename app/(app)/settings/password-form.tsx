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
      {/* Lets password managers file the new password under the right account. */}
      {hasPassword ? (
        <div className="space-y-1.5">
          <label htmlFor="current-password" className={labelClasses}>
            Current password
          </label>
          <input
            ref={currentRef}
            id="current-password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={currentError ? true : undefined}
            aria-describedby={currentError ? 'current-password-error' : undefined}
            className={inputClasses}
          />
          {currentError ? (
            <p id="current-password-error" className={fieldErrorClasses}>
              {currentError}
            </p>
          ) : null}
        </div>
      ) : null}
      <div className="space-y-1.5">
        <label htmlFor="new-password" className={labelClasses}>
          New password
        </label>
        <input
          ref={newRef}
          id="new-password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          aria-invalid={newError ? true : undefined}
          aria-describedby={['new-password-hint', newError ? 'new-password-error' : ''].filter(Boolean).join(' ')}
          className={inputClasses}
        />
        <p id="new-password-hint" className={hintClasses}>
          At least 8 characters
        </p>
        {newError ? (
          <p id="new-password-error" className={fieldErrorClasses}>
            {newError}
          </p>
        ) : null}
      </div>
      {state.formError ? <Alert>{state.formError}</Alert> : null}
      {state.changed ? <Notice>Your password has been changed.</Notice> : null}
      <button type="submit" aria-disabled={pending || undefined} className={buttonClasses({ variant: 'primary' })}>
        {pending ? <Spinner /> : null}
        {hasPassword ? 'Change password' : 'Set password'}
      </button>
    </form>
  );
}
