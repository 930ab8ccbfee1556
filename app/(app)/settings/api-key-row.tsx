'use client';

import { useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { LocalDate } from '@/components/ui/local-date';
import type { ApiKeyDetails } from '@/lib/transcript-details';

/** One key: name, first characters, use, and Revoke behind a confirmation. */
export function ApiKeyRow({ apiKey, onRevoke }: { apiKey: ApiKeyDetails; onRevoke: () => Promise<void> }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [revoking, setRevoking] = useState(false);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  async function confirmRevoke() {
    setRevoking(true);
    setRevokeError(null);
    try {
      await onRevoke();
    } catch (error) {
      setRevokeError(error instanceof Error ? error.message : 'Something went wrong. Please try again.');
      setRevoking(false);
    }
  }

  return (
    <li className="flex items-start justify-between gap-3 p-3">
      <div className="min-w-0 space-y-0.5 text-sm">
        <p className="font-medium break-words">{apiKey.name}</p>
        <p className="font-mono text-neutral-600 dark:text-neutral-400">{apiKey.displayed}…</p>
        <p className="text-neutral-600 dark:text-neutral-400">
          Created <LocalDate iso={apiKey.createdAt} /> ·{' '}
          {apiKey.lastUsedAt ? (
            <>
              Last used <LocalDate iso={apiKey.lastUsedAt} /> · {apiKey.calls} {apiKey.calls === 1 ? 'call' : 'calls'}
            </>
          ) : (
            'Never used'
          )}
        </p>
      </div>
      <Button
        variant="ghost"
        className="text-red-700 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-950/40"
        aria-label={`Revoke ${apiKey.name}`}
        onClick={() => {
          setRevokeError(null);
          dialogRef.current?.showModal();
        }}
      >
        Revoke
      </Button>
      <ConfirmDialog
        dialogRef={dialogRef}
        title={`Revoke “${apiKey.name}”?`}
        description="Scripts and apps using this key stop working at their next request. Transcripts made with it stay in your history."
        error={revokeError}
        busy={revoking}
        cancelLabel="Keep key"
        confirmLabel="Revoke key"
        onConfirm={() => void confirmRevoke()}
      />
    </li>
  );
}
