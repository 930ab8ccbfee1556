'use client';

import { useActionState, useEffect, useRef } from 'react';
import { signInAction, signUpAction, type AuthFormState } from '@/app/(auth)/actions';
import { Alert, fieldErrorClasses, hintClasses, inputClasses, labelClasses } from '@/components/ui/field';
import { buttonClasses } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';

type Props = { mode: 'sign-in'; callbackUrl: string } | { mode: 'sign-up'; callbackUrl?: undefined };

/**
 * Email and password, validated by the server action; its answers appear under each field.
 * The browser's own validation is off so that every message reads and sounds the same.
 */
export function AuthForm({ mode, callbackUrl }: Props) {
  const [state, formAction, pending] = useActionState<AuthFormState, FormData>(mode === 'sign-up' ? signUpAction : signInAction, {});
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const emailError = state.fieldErrors?.email;
  const passwordError = state.fieldErrors?.password;

  useEffect(() => {
    if (emailError) emailRef.current?.focus();
    else if (passwordError) passwordRef.current?.focus();
  }, [state, emailError, passwordError]);

  const passwordDescribedBy = [mode === 'sign-up' ? 'password-hint' : '', passwordError ? 'password-error' : ''].filter(Boolean).join(' ');

  return (
    <form
      action={formAction}
      noValidate
      className="space-y-5"
      onSubmit={(event) => {
        if (pending) event.preventDefault();
      }}
    >
      {mode === 'sign-in' ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}

      <div className="space-y-1.5">
        <label htmlFor="email" className={labelClasses}>
          Email
        </label>
        <input
          ref={emailRef}
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          autoCapitalize="none"
          spellCheck={false}
          required
          defaultValue={state.email}
          aria-invalid={emailError ? true : undefined}
          aria-describedby={emailError ? 'email-error' : undefined}
          className={inputClasses}
        />
        {emailError ? (
          <p id="email-error" className={fieldErrorClasses}>
            {emailError}
          </p>
        ) : null}
      </div>

      <div className="space-y-1.5">
        <label htmlFor="password" className={labelClasses}>
          Password
        </label>
        <input
          ref={passwordRef}
          id="password"
          name="password"
          type="password"
          autoComplete={mode === 'sign-up' ? 'new-password' : 'current-password'}
          required
          minLength={mode === 'sign-up' ? 8 : undefined}
          aria-invalid={passwordError ? true : undefined}
          aria-describedby={passwordDescribedBy || undefined}
          className={inputClasses}
        />
        {mode === 'sign-up' ? (
          <p id="password-hint" className={hintClasses}>
            At least 8 characters
          </p>
        ) : null}
        {passwordError ? (
          <p id="password-error" className={fieldErrorClasses}>
            {passwordError}
          </p>
        ) : null}
      </div>

      {state.formError ? <Alert>{state.formError}</Alert> : null}

      <button type="submit" aria-disabled={pending || undefined} className={buttonClasses({ variant: 'primary', className: 'w-full' })}>
        {pending ? <Spinner /> : null}
        {mode === 'sign-up' ? 'Create account' : 'Sign in'}
      </button>
    </form>
  );
}
