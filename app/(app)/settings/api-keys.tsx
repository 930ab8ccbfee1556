'use client';

import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Alert, inputClasses, labelClasses } from '@/components/ui/field';
import { request } from '@/lib/client/fetch-json';
import type { ApiKeyDetails } from '@/lib/transcript-details';
import { ApiKeyRow } from './api-key-row';

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : 'Something went wrong. Please try again.');

type NewKey = { name: string; key: string };

/** Create a named key (shown once), see each key's use, revoke one. */
export function ApiKeys({ initialKeys, maxNameLength }: { initialKeys: ApiKeyDetails[]; maxNameLength: number }) {
  const [keys, setKeys] = useState(initialKeys);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const [newKey, setNewKey] = useState<NewKey | null>(null);
  const keyInputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (newKey) keyInputRef.current?.select();
  }, [newKey]);

  async function create() {
    setBusy(true);
    setCreateError(null);
    try {
      const response = await request('/api/keys', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      const created = (await response.json()) as { key: string; details: ApiKeyDetails };
      setKeys((current) => [created.details, ...current]);
      setNewKey({ name: created.details.name, key: created.key });
      setName('');
    } catch (error) {
      setCreateError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(key: ApiKeyDetails) {
    await request(`/api/keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
    setKeys((current) => current.filter((item) => item.id !== key.id));
  }

  return (
    <div className="space-y-4">
      <form
        className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <div>
          <label htmlFor="api-key-name" className={labelClasses}>
            Key name
          </label>
          <input
            id="api-key-name"
            value={name}
            required
            maxLength={maxNameLength}
            autoComplete="off"
            onChange={(event) => setName(event.target.value)}
            placeholder="e.g. Phone shortcut"
            className={`${inputClasses} mt-1`}
          />
        </div>
        <Button type="submit" variant="primary" disabled={busy || !name.trim()}>
          Create key
        </Button>
      </form>

      {createError ? <Alert>{createError}</Alert> : null}

      {newKey ? (
        <div className="space-y-2 rounded-lg bg-neutral-50 p-3 dark:bg-neutral-900">
          <label htmlFor="api-key-new" className={labelClasses}>
            New key “{newKey.name}”
          </label>
          <div className="flex flex-col gap-2 sm:flex-row">
            <input
              ref={keyInputRef}
              id="api-key-new"
              type="text"
              readOnly
              value={newKey.key}
              onFocus={(event) => event.currentTarget.select()}
              aria-describedby="api-key-new-note"
              className={`${inputClasses} font-mono sm:text-sm`}
            />
            <CopyButton text={newKey.key} label="Copy key" />
          </div>
          <p id="api-key-new-note" className="text-sm text-neutral-600 dark:text-neutral-400">
            This is the only time the key is shown: copy it now. Use it as the API key of any OpenAI client, with the base URL{' '}
            <code className="font-mono break-all">{`${window.location.origin}/v1`}</code>.
          </p>
          <Button onClick={() => setNewKey(null)}>Done</Button>
        </div>
      ) : null}

      {keys.length > 0 ? (
        <ul aria-label="API keys" className="divide-y divide-neutral-200 rounded-lg border border-neutral-200 dark:divide-neutral-800 dark:border-neutral-800">
          {keys.map((key) => (
            <ApiKeyRow key={key.id} apiKey={key} onRevoke={() => revoke(key)} />
          ))}
        </ul>
      ) : (
        <p className="text-sm text-neutral-600 dark:text-neutral-400">No keys yet.</p>
      )}
    </div>
  );
}
