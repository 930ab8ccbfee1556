'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import useSWR, { mutate as mutateGlobal } from 'swr';
import { Button, buttonClasses } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Alert, inputClasses, labelClasses } from '@/components/ui/field';
import { LocalDate } from '@/components/ui/local-date';
import { StatusBadge } from '@/components/ui/status-badge';
import { fetchJson, request } from '@/lib/client/fetch-json';
import { formatLength, safeFileName } from '@/lib/client/format';
import { removeFromHistory, revalidateHistory, transcriptKey } from '@/lib/client/keys';
import { languageName } from '@/lib/languages';
import type { TranscriptDetails } from '@/lib/transcript-details';

type Sharing =
  | { kind: 'none' }
  | { kind: 'since'; since: string }
  | { kind: 'link'; url: string }
  | { kind: 'stopped' };

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : 'Something went wrong. Please try again.');

export function TranscriptView({ initial, sharedSince }: { initial: TranscriptDetails; sharedSince: string | null }) {
  const { data, error: refreshError } = useSWR<TranscriptDetails>(transcriptKey(initial.id), fetchJson, {
    fallbackData: initial,
    revalidateOnMount: initial.status === 'transcribing',
    refreshInterval: (latest) => ((latest ?? initial).status === 'transcribing' ? 1000 : 0),
    // Polls inside the default 2 s deduping window would be skipped.
    dedupingInterval: 500,
  });
  const transcript = data ?? initial;
  const { id, title, status, text } = transcript;

  const previousStatus = useRef(initial.status);
  useEffect(() => {
    if (previousStatus.current === 'transcribing' && status !== 'transcribing') void revalidateHistory();
    previousStatus.current = status;
  }, [status]);

  const length = formatLength(transcript);
  const ended = status === 'failed' || status === 'cancelled';
  const audioKept = transcript.audioBytes > 0;
  const endMessage =
    transcript.error?.message || (status === 'cancelled' ? 'The transcription was cancelled.' : 'The transcription failed.');

  return (
    <article className="space-y-6">
      <header className="space-y-2">
        <Link
          href="/history"
          className="-ml-2 inline-flex min-h-11 items-center gap-1 rounded-lg px-2 text-sm text-neutral-600 hover:text-neutral-900 dark:text-neutral-400 dark:hover:text-white"
        >
          <span aria-hidden="true">←</span> History
        </Link>
        <h1 className="text-2xl font-semibold tracking-tight break-words">{title}</h1>
        <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-neutral-600 dark:text-neutral-400">
          <LocalDate iso={transcript.createdAt} />
          <span aria-hidden="true">·</span>
          <span>{transcript.language ? languageName(transcript.language) : 'Language auto-detected'}</span>
          {length ? (
            <>
              <span aria-hidden="true">·</span>
              <span>{length}</span>
            </>
          ) : null}
          <StatusBadge status={status} />
        </p>
      </header>

      {ended ? (
        <Alert>
          {endMessage}
          {audioKept && !/audio is kept/i.test(endMessage) ? ' Your audio is kept.' : null}
        </Alert>
      ) : null}
      {status === 'transcribing' ? (
        <p role="status" className="flex items-center gap-2 text-sm text-neutral-700 dark:text-neutral-300">
          <span aria-hidden="true" className="size-3.5 animate-spin rounded-full border-2 border-current border-r-transparent" />
          Transcribing… this page updates by itself.
          {refreshError ? <span className="text-red-700 dark:text-red-300">{errorMessage(refreshError)}</span> : null}
        </p>
      ) : null}

      <Actions transcript={transcript} sharedSince={sharedSince} />

      <audio controls aria-label="Recording" src={`/api/transcriptions/${encodeURIComponent(id)}/audio`} preload="metadata" className="w-full" />

      <div
        role="region"
        aria-label="Transcript text"
        className="rounded-xl border border-neutral-200 p-4 text-base leading-7 break-words whitespace-pre-wrap sm:p-6 dark:border-neutral-800"
      >
        {text ||
          (status === 'transcribing' ? (
            <span className="text-neutral-500 dark:text-neutral-400">Waiting for the first words…</span>
          ) : (
            <span className="text-neutral-500 dark:text-neutral-400">No text was recognised.</span>
          ))}
      </div>
    </article>
  );
}

function Actions({ transcript, sharedSince }: { transcript: TranscriptDetails; sharedSince: string | null }) {
  const router = useRouter();
  const { id, title, text } = transcript;
  const [sharing, setSharing] = useState<Sharing>(sharedSince ? { kind: 'since', since: sharedSince } : { kind: 'none' });
  const [shareBusy, setShareBusy] = useState<'creating' | 'stopping' | null>(null);
  const [shareError, setShareError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const linkInputRef = useRef<HTMLInputElement>(null);

  const shareUrlFocus = sharing.kind === 'link' ? sharing.url : null;
  useEffect(() => {
    if (shareUrlFocus) linkInputRef.current?.select();
  }, [shareUrlFocus]);

  async function createLink() {
    setShareBusy('creating');
    setShareError(null);
    try {
      const response = await request(`/api/transcriptions/${encodeURIComponent(id)}/share`, { method: 'POST' });
      const { path } = (await response.json()) as { path: string; createdAt: string };
      setSharing({ kind: 'link', url: new URL(path, window.location.origin).href });
    } catch (error) {
      setShareError(errorMessage(error));
    } finally {
      setShareBusy(null);
    }
  }

  async function stopSharing() {
    setShareBusy('stopping');
    setShareError(null);
    try {
      await request(`/api/transcriptions/${encodeURIComponent(id)}/share`, { method: 'DELETE' });
      setSharing({ kind: 'stopped' });
    } catch (error) {
      setShareError(errorMessage(error));
    } finally {
      setShareBusy(null);
    }
  }

  async function deleteTranscript() {
    setDeleting(true);
    setDeleteError(null);
    try {
      await request(`/api/transcriptions/${encodeURIComponent(id)}`, { method: 'DELETE' });
    } catch (error) {
      setDeleteError(errorMessage(error));
      setDeleting(false);
      return;
    }
    void removeFromHistory(id);
    void mutateGlobal(transcriptKey(id), undefined, { revalidate: false });
    router.push('/history');
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap gap-2">
        <CopyButton text={text} disabled={!text} />
        <a
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`}
          download={safeFileName(title, 'txt')}
          className={buttonClasses({ variant: 'secondary' })}
        >
          <svg viewBox="0 0 16 16" aria-hidden="true" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.5">
            <path d="M8 2.5v8m0 0L5 7.5m3 3 3-3M3 13.5h10" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          Download .txt
        </a>
        {sharing.kind === 'none' || sharing.kind === 'stopped' ? (
          <Button onClick={() => void createLink()} disabled={shareBusy !== null}>
            <svg viewBox="0 0 16 16" aria-hidden="true" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.5">
              <path d="M6.5 9.5l3-3M7 4.5l1-1a2.8 2.8 0 0 1 4 4l-1 1M9 11.5l-1 1a2.8 2.8 0 0 1-4-4l1-1" strokeLinecap="round" />
            </svg>
            Share
          </Button>
        ) : null}
        <Button
          variant="ghost"
          className="text-red-700 hover:bg-red-50 hover:text-red-800 sm:ml-auto dark:text-red-400 dark:hover:bg-red-950/40 dark:hover:text-red-300"
          onClick={() => {
            setDeleteError(null);
            dialogRef.current?.showModal();
          }}
        >
          Delete
        </Button>
      </div>

      {shareError ? <Alert>{shareError}</Alert> : null}

      {sharing.kind === 'link' ? (
        <div className="space-y-3 rounded-xl border border-neutral-200 bg-neutral-50 p-4 dark:border-neutral-800 dark:bg-neutral-900">
          <label htmlFor="share-link" className={labelClasses}>
            Share link
          </label>
          <div className="flex flex-col gap-2 sm:flex-row">
            <input
              ref={linkInputRef}
              id="share-link"
              type="text"
              readOnly
              value={sharing.url}
              onFocus={(event) => event.currentTarget.select()}
              aria-describedby="share-link-note"
              className={`${inputClasses} font-mono sm:text-sm`}
            />
            <CopyButton text={sharing.url} label="Copy link" variant="primary" />
          </div>
          <div id="share-link-note" className="space-y-1 text-sm text-neutral-600 dark:text-neutral-400">
            <p>Anyone with this link can read the transcript.</p>
            <p>Copy it now: it is shown only once.</p>
          </div>
          <Button onClick={() => void stopSharing()} disabled={shareBusy !== null}>
            Stop sharing
          </Button>
        </div>
      ) : null}

      {sharing.kind === 'since' ? (
        <div className="space-y-3 rounded-xl border border-neutral-200 bg-neutral-50 p-4 dark:border-neutral-800 dark:bg-neutral-900">
          <p className="text-sm">
            <span className="font-medium">
              Shared since <LocalDate iso={sharing.since} />
            </span>
            <span className="mt-1 block text-neutral-600 dark:text-neutral-400">
              Anyone with the link can read the transcript. A link is shown only once, when it is made; a new link leaves earlier ones working
              until you stop sharing.
            </span>
          </p>
          <div className="flex flex-wrap gap-2">
            <Button onClick={() => void stopSharing()} disabled={shareBusy !== null}>
              Stop sharing
            </Button>
            <Button variant="ghost" onClick={() => void createLink()} disabled={shareBusy !== null}>
              Create new link
            </Button>
          </div>
        </div>
      ) : null}

      {sharing.kind === 'stopped' ? (
        <p role="status" className="text-sm text-neutral-700 dark:text-neutral-300">
          Sharing stopped. The link no longer works.
        </p>
      ) : null}

      <dialog
        ref={dialogRef}
        role="alertdialog"
        aria-labelledby="delete-title"
        aria-describedby="delete-description"
        onClose={() => setDeleteError(null)}
        className="m-auto w-[calc(100%-2rem)] max-w-sm rounded-xl border border-neutral-200 bg-white p-5 text-neutral-900 shadow-xl dark:border-neutral-800 dark:bg-neutral-900 dark:text-neutral-100"
      >
        <h2 id="delete-title" className="text-lg font-semibold">
          Delete this transcript?
        </h2>
        <p id="delete-description" className="mt-2 text-sm text-neutral-600 dark:text-neutral-400">
          The transcript and its audio will be deleted. This cannot be undone.
        </p>
        {deleteError ? <Alert className="mt-3">{deleteError}</Alert> : null}
        <div className="mt-5 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button autoFocus onClick={() => dialogRef.current?.close()} disabled={deleting}>
            Keep it
          </Button>
          <Button variant="danger" onClick={() => void deleteTranscript()} disabled={deleting}>
            {deleting ? <span aria-hidden="true" className="size-4 animate-spin rounded-full border-2 border-current border-r-transparent" /> : null}
            Delete transcript
          </Button>
        </div>
      </dialog>
    </div>
  );
}
