'use client';

import { signOutAction } from '@/app/(auth)/actions';
import { clearSignedInCaches } from '@/lib/client/signed-in-caches';

export function SignOutButton({ className }: { className?: string }) {
  return (
    <form
      action={async () => {
        await clearSignedInCaches();
        await signOutAction();
      }}
      className={className}
    >
      <button
        type="submit"
        className="inline-flex min-h-11 items-center rounded-lg px-3 text-sm text-neutral-600 transition-colors hover:bg-neutral-100 hover:text-neutral-900 dark:text-neutral-400 dark:hover:bg-neutral-800 dark:hover:text-white"
      >
        Sign out
      </button>
    </form>
  );
}
