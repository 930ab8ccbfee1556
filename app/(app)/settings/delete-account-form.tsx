'use client';

import { useActionState } from 'react';
import { buttonClasses } from '@/components/ui/button';
import { fieldErrorClasses, hintClasses, inputClasses, labelClasses } from '@/components/ui/field';
import { Spinner } from '@/components/ui/spinner';
import { clearSignedInCaches } from '@/lib/client/signed-in-caches';
import { deleteAccountAction, type DeleteAccountState } from './actions';

/** Confirmed with the password, or (without one) by typing `phrase`: a session alone is not enough. */
export function DeleteAccountForm({ hasPassword, phrase }: { hasPassword: boolean; phrase: string }) {
  const [state, formAction, pending] = useActionState<DeleteAccountState, FormData>(deleteAccountAction, {});

  return (
    <form
      action={async (formData) => {
        // Cleared first: once the account is gone the action signs out and navigates away.
        await clearSignedInCaches();
        formAction(formData);
      }}
      noValidate
      className="max-w-sm space-y-5"
    >
      <div className="space-y-1.5">
        <label htmlFor="delete-confirmation" className={labelClasses}>
          {hasPassword ? 'Your password' : `Type ${phrase} to confirm`}
        </label>
        <input
          id="delete-confirmation"
          name="confirmation"
          type={hasPassword ? 'password' : 'text'}
          autoComplete={hasPassword ? 'current-password' : 'off'}
          autoCapitalize="none"
          spellCheck={false}
          required
          aria-invalid={state.error ? true : undefined}
          aria-describedby={['delete-hint', state.error ? 'delete-error' : ''].filter(Boolean).join(' ')}
          className={inputClasses}
        />
        <p id="delete-hint" className={hintClasses}>
          Deletes every transcript, its audio and share links, and signs you out. This cannot be undone.
        </p>
        {state.error ? (
          <p id="delete-error" role="alert" className={fieldErrorClasses}>
            {state.error}
          </p>
        ) : null}
      </div>
      <button type="submit" aria-disabled={pending || undefined} className={buttonClasses({ variant: 'danger' })}>
        {pending ? <Spinner /> : null}
        Delete my account
      </button>
    </form>
  );
}
