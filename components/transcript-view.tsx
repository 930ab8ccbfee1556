'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import useSWR, { mutate as mutateGlobal } from 'swr';
import type { ShareLinkDetails } from '@/lib/transcript-details';
import { AudioPlayer, type SeekRequest } from '@/components/audio-player';
import { ShareLinks } from '@/components/share-links';
import { Button, buttonClasses } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { CopyButton } from '@/components/ui/copy-button';
import { Alert, hintClasses, inputClasses, labelClasses } from '@/components/ui/field';
import { LocalDate } from '@/components/ui/local-date';
import { StatusBadge } from '@/components/ui/status-badge';
import { fetchJson, request } from '@/lib/client/fetch-json';
import { formatDuration, formatLength } from '@/lib/format';
import { removeFromHistory, revalidateHistory, transcriptKey } from '@/lib/client/keys';
import { shownText, useLiveTranscript } from '@/lib/client/use-live-transcript';
import { LANGUAGES, languageName } from '@/lib/languages';
import { describeSource, type TranscriptDetails, type TranscriptUsage } from '@/lib/transcript-details';
import { Spinner } from '@/components/ui/spinner';

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : 'Something went wrong. Please try again.');
const EXPORTS = ['txt', 'md', 'json', 'docx'] as const;
const jsonHeaders = { 'Content-Type': 'application/json' };
const PAUSED_REFRESH_MS = 10_000;

export function TranscriptView({ initial, initialLinks, canTranscribe }: { initial: TranscriptDetails; initialLinks: ShareLinkDetails[]; canTranscribe: boolean }) {
  const { data, mutate } = useSWR<TranscriptDetails>(transcriptKey(initial.id), fetchJson, {
    fallbackData: initial,
    revalidateOnMount: false,
    // A paused transcription goes on by itself when its upload grows again: the page notices. (Until the first
    // fetch, SWR's cache is empty and the server's render is the latest.)
    refreshInterval: (latest) => ((latest ?? initial).paused ? PAUSED_REFRESH_MS : 0),
  });
  const transcript = data ?? initial;
  const { id, title, status } = transcript;
  const base = `/api/transcriptions/${encodeURIComponent(id)}`;
  const transcribing = status === 'transcribing';

  const refresh = useCallback(() => void mutate(), [mutate]);
  // Each run has its own URL, so that a new run is followed from its start.
  const live = useLiveTranscript(transcribing ? `${base}/events?run=${encodeURIComponent(transcript.startedAt)}` : null, refresh);
  const text = transcribing ? shownText(transcript.text, live) : transcript.text;

  const previousStatus = useRef(initial.status);
  useEffect(() => {
    if (previousStatus.current === 'transcribing' && status !== 'transcribing') void revalidateHistory();
    previousStatus.current = status;
  }, [status]);

  const [actionError, setActionError] = useState<string | null>(null);
  const [seek, setSeek] = useState<SeekRequest | null>(null);

  /** Runs a change on the server and shows the transcript it answers with. */
  async function change(url: string, init: RequestInit) {
    setActionError(null);
    try {
      const response = await request(url, init);
      await mutate((await response.json()) as TranscriptDetails, { revalidate: false });
      void revalidateHistory();
      return true;
    } catch (error) {
      setActionError(errorMessage(error));
      return false;
    }
  }

  const transcribeAgain = (options: { language?: string; prompt?: string }) => change(`${base}/retranscribe`, { method: 'POST', headers: jsonHeaders, body: JSON.stringify(options) });
  const saveText = (newText: string) => change(base, { method: 'PATCH', headers: jsonHeaders, body: JSON.stringify({ text: newText }) });

  const length = formatLength(transcript);
  const ended = status === 'failed' || status === 'cancelled';
  const audioKept = transcript.audioBytes > 0;
  const endMessage = transcript.error?.message || (status === 'cancelled' ? 'The transcription was cancelled.' : 'The transcription failed.');
  const retryOptions = { ...(transcript.language ? { language: transcript.language } : {}), ...(transcript.prompt ? { prompt: transcript.prompt } : {}) };

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
          <StatusBadge status={status} paused={transcript.paused} />
          {transcript.editedAt ? (
            <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200 ring-inset dark:bg-amber-950/50 dark:text-amber-300 dark:ring-amber-900">
              Edited
            </span>
          ) : null}
        </p>
      </header>

      {transcript.paused ? (
        <p
          role="status"
          className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2.5 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200"
        >
          {endMessage}
        </p>
      ) : ended ? (
        <Alert className="flex flex-wrap items-center justify-between gap-3">
          <span>
            {endMessage}
            {audioKept && !/audio is kept/i.test(endMessage) ? ' Your audio is kept.' : null}
          </span>
          {audioKept && canTranscribe ? <Button onClick={() => void transcribeAgain(retryOptions)}>Retry</Button> : null}
        </Alert>
      ) : null}
      {transcribing ? (
        <p role="status" className="flex items-center gap-2 text-sm text-neutral-700 dark:text-neutral-300">
          <Spinner size="sm" />
          Transcribing… the text fills in as it is recognised.
        </p>
      ) : null}
      {actionError ? <Alert>{actionError}</Alert> : null}

      {audioKept ? <AudioPlayer src={`${base}/audio`} seek={seek} /> : null}
      {transcript.parts.length > 0 ? <TranscriptParts transcript={transcript} onPlay={audioKept ? (seconds) => setSeek({ seconds }) : undefined} /> : null}

      <TranscriptText key={`${transcript.startedAt}-${transcript.editedAt ?? ''}`} transcript={transcript} text={text} onSave={saveText} onRevert={() => change(`${base}/revert`, { method: 'POST' })} />

      <div className="flex flex-wrap gap-2">
        <CopyButton text={text} disabled={!text} />
        {EXPORTS.map((format) => (
          <a key={format} href={`${base}/export?format=${format}`} download className={buttonClasses({ variant: 'secondary' })}>
            <svg viewBox="0 0 16 16" aria-hidden="true" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.5">
              <path d="M8 2.5v8m0 0L5 7.5m3 3 3-3M3 13.5h10" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
            <span className="sr-only">Download </span>.{format}
          </a>
        ))}
      </div>

      <TranscriptFacts transcript={transcript} />

      {audioKept && canTranscribe && !transcribing ? <TranscribeAgain transcript={transcript} onStart={transcribeAgain} /> : null}
      {transcript.versions.length > 0 ? <EarlierVersions transcript={transcript} onRestore={saveText} /> : null}

      <ShareLinks transcriptId={id} initialLinks={initialLinks} hasAudio={audioKept} />

      <DeleteTranscript id={id} />
    </article>
  );
}

/** The text, editable once the transcription has ended; the service's own text stays for revert. */
function TranscriptText({
  transcript,
  text,
  onSave,
  onRevert,
}: {
  transcript: TranscriptDetails;
  text: string;
  onSave: (text: string) => Promise<boolean>;
  onRevert: () => Promise<boolean>;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const editing = draft !== null;
  const dirty = editing && draft !== transcript.text;

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  async function save() {
    if (draft === null) return;
    if (!dirty) return setDraft(null);
    setSaving(true);
    if (await onSave(draft)) setDraft(null);
    setSaving(false);
  }

  if (editing) {
    return (
      <form
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <label htmlFor="transcript-editor" className={labelClasses}>
          Edit transcript text
        </label>
        <textarea
          id="transcript-editor"
          value={draft}
          autoFocus
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 's' && (event.metaKey || event.ctrlKey)) {
              event.preventDefault();
              void save();
            }
          }}
          className={`${inputClasses} field-sizing-content min-h-60 leading-7`}
        />
        <div className="flex flex-wrap items-center gap-2">
          <Button type="submit" variant="primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save'}
          </Button>
          <Button onClick={() => setDraft(null)} disabled={saving}>
            Cancel
          </Button>
          <span className={hintClasses}>{dirty ? 'Unsaved changes' : 'No changes'}</span>
        </div>
      </form>
    );
  }

  return (
    <div className="space-y-3">
      <div
        role="region"
        aria-label="Transcript text"
        className="rounded-xl border border-neutral-200 p-4 text-base leading-7 break-words whitespace-pre-wrap sm:p-6 dark:border-neutral-800"
      >
        {text ||
          (transcript.status === 'transcribing' ? (
            <span className="text-neutral-500 dark:text-neutral-400">Waiting for the first words…</span>
          ) : (
            <span className="text-neutral-500 dark:text-neutral-400">No text was recognised.</span>
          ))}
      </div>
      {transcript.status !== 'transcribing' ? (
        <div className="flex flex-wrap items-center gap-2">
          <Button onClick={() => setDraft(transcript.text)}>Edit text</Button>
          {transcript.editedAt ? (
            <>
              <Button variant="ghost" onClick={() => void onRevert()}>
                Revert to original
              </Button>
              <span className={hintClasses}>
                Edited <LocalDate iso={transcript.editedAt} />
              </span>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function usageText(usage: TranscriptUsage) {
  const parts = [];
  if (usage.inputTokens !== undefined) parts.push(`${usage.inputTokens.toLocaleString()} in`);
  if (usage.outputTokens !== undefined) parts.push(`${usage.outputTokens.toLocaleString()} out`);
  if (usage.totalTokens !== undefined) parts.push(`${usage.totalTokens.toLocaleString()} total`);
  const tokens = parts.length > 0 ? `${parts.join(' · ')} tokens` : undefined;
  const seconds = usage.seconds !== undefined ? `${formatDuration(usage.seconds)} of audio billed` : undefined;
  return [tokens, seconds].filter(Boolean).join('; ');
}

/** Long audio's parts, each with where it starts in the recording; a part's button plays from there. */
function TranscriptParts({ transcript, onPlay }: { transcript: TranscriptDetails; onPlay?: (seconds: number) => void }) {
  const count = transcript.parts.length;
  return (
    <section aria-labelledby="transcript-parts" className="space-y-2">
      <h2 id="transcript-parts" className="text-sm font-semibold">
        Parts
      </h2>
      <ol className="flex flex-wrap gap-2">
        {transcript.parts.map((part) => {
          const label = `Part ${part.index} of ${count}, from ${formatDuration(part.startSeconds)}`;
          const pending = part.status !== 'done' ? ' (transcribing)' : '';
          return (
            <li key={part.index}>
              {onPlay ? (
                <Button variant="secondary" aria-label={`Play ${label}`} onClick={() => onPlay(part.startSeconds)}>
                  <span className="tabular-nums">
                    {part.index}. {formatDuration(part.startSeconds)}
                  </span>
                  {pending}
                </Button>
              ) : (
                <span className="text-sm tabular-nums" aria-label={label}>
                  {part.index}. {formatDuration(part.startSeconds)}
                  {pending}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** What the service reported, and how long it took. */
function TranscriptFacts({ transcript }: { transcript: TranscriptDetails }) {
  const took = transcript.completedAt ? Date.parse(transcript.completedAt) - Date.parse(transcript.startedAt) : undefined;
  const facts: [string, string][] = [
    ['Source', describeSource(transcript.source)],
    ['Language', transcript.language ? languageName(transcript.language) : 'Auto-detected'],
    ...(transcript.durationSeconds !== null ? [['Duration', formatDuration(transcript.durationSeconds)] as [string, string]] : []),
    ...(transcript.usage ? [['Usage', usageText(transcript.usage)] as [string, string]] : []),
    ...(took !== undefined && took >= 0 ? [['Time taken', took < 60_000 ? `${(took / 1000).toFixed(1)} s` : formatDuration(took / 1000)] as [string, string]] : []),
    ...(transcript.prompt ? [['Prompt', transcript.prompt] as [string, string]] : []),
  ];
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
      {facts.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="text-neutral-500 dark:text-neutral-400">{term}</dt>
          <dd className="min-w-0 break-words">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function TranscribeAgain({ transcript, onStart }: { transcript: TranscriptDetails; onStart: (options: { language?: string; prompt?: string }) => Promise<boolean> }) {
  const [language, setLanguage] = useState(transcript.language ?? '');
  const [prompt, setPrompt] = useState(transcript.prompt ?? '');
  const [starting, setStarting] = useState(false);
  return (
    <details className="group rounded-xl border border-neutral-200 dark:border-neutral-800">
      <summary className="flex min-h-11 cursor-pointer items-center px-4 text-sm font-medium">Transcribe again</summary>
      <form
        className="space-y-3 px-4 pb-4"
        onSubmit={(event) => {
          event.preventDefault();
          setStarting(true);
          void onStart({ ...(language ? { language } : {}), ...(prompt.trim() ? { prompt } : {}) }).finally(() => setStarting(false));
        }}
      >
        <p className={hintClasses}>The stored audio is transcribed again. The current text stays reachable under Earlier versions.</p>
        <div>
          <label htmlFor="again-language" className={labelClasses}>
            Language
          </label>
          <select id="again-language" value={language} onChange={(event) => setLanguage(event.target.value)} className={`${inputClasses} mt-1`}>
            <option value="">Auto-detect</option>
            {LANGUAGES.map(({ code, name }) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="again-prompt" className={labelClasses}>
            Prompt (optional)
          </label>
          <textarea id="again-prompt" value={prompt} maxLength={1000} rows={2} onChange={(event) => setPrompt(event.target.value)} className={`${inputClasses} mt-1`} />
        </div>
        <Button type="submit" variant="primary" disabled={starting}>
          Start transcription
        </Button>
      </form>
    </details>
  );
}

function EarlierVersions({ transcript, onRestore }: { transcript: TranscriptDetails; onRestore: (text: string) => Promise<boolean> }) {
  const busy = transcript.status === 'transcribing';
  return (
    <details className="rounded-xl border border-neutral-200 dark:border-neutral-800">
      <summary className="flex min-h-11 cursor-pointer items-center px-4 text-sm font-medium">Earlier versions ({transcript.versions.length})</summary>
      <ul aria-label="Earlier versions" className="divide-y divide-neutral-200 border-t border-neutral-200 dark:divide-neutral-800 dark:border-neutral-800">
        {transcript.versions.map((version) => (
          <li key={version.id} className="space-y-2 p-4">
            <p className="text-sm text-neutral-600 dark:text-neutral-400">
              Replaced <LocalDate iso={version.replacedAt} /> · {version.language ? languageName(version.language) : 'Auto-detected'}
            </p>
            <p className="line-clamp-4 text-sm break-words whitespace-pre-wrap">{version.text}</p>
            <div className="flex flex-wrap gap-2">
              <CopyButton text={version.text} />
              <Button disabled={busy} onClick={() => void onRestore(version.text)}>
                Use this text
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </details>
  );
}

function DeleteTranscript({ id }: { id: string }) {
  const router = useRouter();
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const dialogRef = useRef<HTMLDialogElement>(null);

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
    <div className="border-t border-neutral-200 pt-4 dark:border-neutral-800">
      <Button
        variant="ghost"
        className="text-red-700 hover:bg-red-50 hover:text-red-800 dark:text-red-400 dark:hover:bg-red-950/40 dark:hover:text-red-300"
        onClick={() => {
          setDeleteError(null);
          dialogRef.current?.showModal();
        }}
      >
        Delete
      </Button>
      <ConfirmDialog
        dialogRef={dialogRef}
        title="Delete this transcript?"
        description="The transcript, its audio and its share links will be deleted. This cannot be undone."
        error={deleteError}
        busy={deleting}
        cancelLabel="Keep it"
        confirmLabel="Delete transcript"
        onConfirm={() => void deleteTranscript()}
        onClose={() => setDeleteError(null)}
      />
    </div>
  );
}
