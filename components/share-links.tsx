'use client';

import { useEffect, useRef, useState } from 'react';
import type { ShareLinkDetails } from '@/lib/transcript-details';
import { Button } from '@/components/ui/button';
import { CopyButton, copyText } from '@/components/ui/copy-button';
import { Alert, inputClasses, labelClasses } from '@/components/ui/field';
import { LocalDate } from '@/components/ui/local-date';
import { request } from '@/lib/client/fetch-json';

const EXPIRY_OPTIONS = [
  ['1', '1 day'],
  ['7', '7 days'],
  ['30', '30 days'],
  ['never', 'Never'],
] as const;

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : 'Something went wrong. Please try again.');

type NewLink = { url: string; delivered: 'shared' | 'copied' | 'shown' };

/** Hands the link to the system share sheet where there is one, else copies it. */
async function deliver(url: string): Promise<NewLink['delivered']> {
  if (typeof navigator.share === 'function') {
    try {
      await navigator.share({ url });
      return 'shared';
    } catch {
      // Dismissed, or not allowed after the wait for the link: the link is shown below.
    }
  }
  return copyText(url).then(
    () => 'copied',
    () => 'shown',
  );
}

/** Several links per transcript, each with a name, an expiry and optionally the audio; revoke any one. */
export function ShareLinks({ transcriptId, initialLinks, hasAudio }: { transcriptId: string; initialLinks: ShareLinkDetails[]; hasAudio: boolean }) {
  const base = `/api/transcriptions/${encodeURIComponent(transcriptId)}/share`;
  const [links, setLinks] = useState(initialLinks);
  const [name, setName] = useState('');
  const [expiresIn, setExpiresIn] = useState<(typeof EXPIRY_OPTIONS)[number][0]>('7');
  const [includeAudio, setIncludeAudio] = useState(false);
  const [busy, setBusy] = useState(false);
  const [shareError, setShareError] = useState<string | null>(null);
  const [newLink, setNewLink] = useState<NewLink | null>(null);
  const [stopped, setStopped] = useState(false);
  const linkInputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (newLink) linkInputRef.current?.select();
  }, [newLink]);

  async function share() {
    setBusy(true);
    setShareError(null);
    setStopped(false);
    try {
      const response = await request(base, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...(name.trim() ? { name: name.trim() } : {}), expiresIn, includeAudio }),
      });
      const created = (await response.json()) as { path: string; link: ShareLinkDetails };
      const url = new URL(created.path, window.location.origin).href;
      setLinks((current) => [created.link, ...current]);
      setName('');
      setNewLink({ url, delivered: 'shown' });
      setNewLink({ url, delivered: await deliver(url) });
    } catch (error) {
      setShareError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(link: ShareLinkDetails) {
    setShareError(null);
    try {
      await request(`${base}/${encodeURIComponent(link.id)}`, { method: 'DELETE' });
      setLinks((current) => current.filter((item) => item.id !== link.id));
    } catch (error) {
      setShareError(errorMessage(error));
    }
  }

  async function stopSharing() {
    setBusy(true);
    setShareError(null);
    try {
      await request(base, { method: 'DELETE' });
      setLinks([]);
      setNewLink(null);
      setStopped(true);
    } catch (error) {
      setShareError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="share-heading" className="space-y-4 rounded-xl border border-neutral-200 p-4 sm:p-5 dark:border-neutral-800">
      <div>
        <h2 id="share-heading" className="font-semibold">
          Share
        </h2>
        <p className="mt-1 text-sm text-neutral-600 dark:text-neutral-400">
          Anyone with a link can read the transcript, never your email. Make one link per person or place, so that you can revoke each on its own.
        </p>
      </div>

      <form
        className="grid gap-3 sm:grid-cols-[1fr_auto]"
        onSubmit={(event) => {
          event.preventDefault();
          void share();
        }}
      >
        <div>
          <label htmlFor="share-name" className={labelClasses}>
            Link name (optional)
          </label>
          <input id="share-name" value={name} maxLength={80} onChange={(event) => setName(event.target.value)} placeholder="e.g. Team" className={`${inputClasses} mt-1`} />
        </div>
        <div>
          <label htmlFor="share-expiry" className={labelClasses}>
            Expires after
          </label>
          <select id="share-expiry" value={expiresIn} onChange={(event) => setExpiresIn(event.target.value as typeof expiresIn)} className={`${inputClasses} mt-1`}>
            {EXPIRY_OPTIONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        {hasAudio ? (
          <label className="flex min-h-11 items-center gap-3 text-sm sm:col-span-2">
            <input type="checkbox" checked={includeAudio} onChange={(event) => setIncludeAudio(event.target.checked)} className="size-5 accent-neutral-900 dark:accent-white" />
            Include the audio
          </label>
        ) : null}
        <div className="flex flex-wrap gap-2 sm:col-span-2">
          <Button type="submit" variant="primary" disabled={busy}>
            <svg viewBox="0 0 16 16" aria-hidden="true" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.5">
              <path d="M6.5 9.5l3-3M7 4.5l1-1a2.8 2.8 0 0 1 4 4l-1 1M9 11.5l-1 1a2.8 2.8 0 0 1-4-4l1-1" strokeLinecap="round" />
            </svg>
            Share
          </Button>
          {links.length > 0 ? (
            <Button onClick={() => void stopSharing()} disabled={busy}>
              Stop sharing
            </Button>
          ) : null}
        </div>
      </form>

      {shareError ? <Alert>{shareError}</Alert> : null}
      {stopped ? (
        <p role="status" className="text-sm text-neutral-700 dark:text-neutral-300">
          Sharing stopped. No link works any more.
        </p>
      ) : null}

      {newLink ? (
        <div className="space-y-2 rounded-lg bg-neutral-50 p-3 dark:bg-neutral-900">
          <label htmlFor="share-link" className={labelClasses}>
            Share link
          </label>
          <div className="flex flex-col gap-2 sm:flex-row">
            <input
              ref={linkInputRef}
              id="share-link"
              type="text"
              readOnly
              value={newLink.url}
              onFocus={(event) => event.currentTarget.select()}
              aria-describedby="share-link-note"
              className={`${inputClasses} font-mono sm:text-sm`}
            />
            <CopyButton text={newLink.url} label="Copy link" />
          </div>
          <p id="share-link-note" role="status" className="text-sm text-neutral-600 dark:text-neutral-400">
            {newLink.delivered === 'copied' ? 'Link copied. ' : ''}It is shown only once: keep it now.
          </p>
        </div>
      ) : null}

      {links.length > 0 ? (
        <ul aria-label="Links to this transcript" className="divide-y divide-neutral-200 rounded-lg border border-neutral-200 dark:divide-neutral-800 dark:border-neutral-800">
          {links.map((link) => (
            <ShareLinkRow key={link.id} link={link} onRevoke={() => void revoke(link)} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function ShareLinkRow({ link, onRevoke }: { link: ShareLinkDetails; onRevoke: () => void }) {
  const label = link.name ?? 'Unnamed link';
  return (
    <li className="flex items-start justify-between gap-3 p-3">
      <div className="min-w-0 space-y-0.5 text-sm">
        <p className="font-medium break-words">
          {label}
          {link.includeAudio ? <span className="font-normal text-neutral-500 dark:text-neutral-400"> · with audio</span> : null}
        </p>
        <p className="text-neutral-600 dark:text-neutral-400">
          Created <LocalDate iso={link.createdAt} /> ·{' '}
          {link.expiresAt ? (
            <>
              {link.expired ? 'Expired' : 'Expires'} <LocalDate iso={link.expiresAt} />
            </>
          ) : (
            'Never expires'
          )}
        </p>
        <p className="text-neutral-600 dark:text-neutral-400">
          {link.lastViewedAt ? (
            <>
              Last viewed <LocalDate iso={link.lastViewedAt} /> · {link.viewCount} {link.viewCount === 1 ? 'view' : 'views'}
            </>
          ) : (
            'Not viewed yet'
          )}
        </p>
      </div>
      <Button variant="ghost" className="text-red-700 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-950/40" aria-label={`Revoke ${label}`} onClick={onRevoke}>
        Revoke
      </Button>
    </li>
  );
}
