'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { Recorder, type RecordingToSend } from '@/components/recorder';
import { Button, buttonClasses } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Alert, hintClasses, inputClasses, labelClasses } from '@/components/ui/field';
import { MAX_AUDIO_BYTES, SNIFF_BYTES, sniffAudioFormat } from '@/lib/audio/format';
import { formatBytes } from '@/lib/format';
import { revalidateHistory } from '@/lib/client/keys';
import { deleteRecording, markRecordingSent } from '@/lib/client/recordings-store';
import { takeSharedFile } from '@/lib/client/shared-file';
import { preloadUploadSupport, uploadTranscription, type DirectUpload } from '@/lib/client/upload-transcription';
import { LANGUAGES } from '@/lib/languages';
import { Spinner } from '@/components/ui/spinner';

const ACCEPT = '.mp3,.mp4,.mpeg,.mpga,.m4a,.wav,.webm,.ogg,audio/*';
const ENGLISH_ONLY = LANGUAGES.filter(({ code }) => code === 'en');

type Phase = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

const SHARE_PROBLEMS: Record<string, string> = {
  unavailable: 'Sharing into Verbatim works once the app has been opened on this device. Share the recording again, or choose it here.',
  failed: 'The shared file could not be received. Share it again, or choose it here.',
  none: 'Nothing playable was shared. Share an audio file, or choose it here.',
};

/** Why this file cannot be sent, in words for the person who chose it; null when it can. */
async function problemWith(file: File): Promise<string | null> {
  if (file.size > MAX_AUDIO_BYTES) return `“${file.name}” is ${formatBytes(file.size, ' ')}; the limit is ${formatBytes(MAX_AUDIO_BYTES, ' ')}.`;
  if (file.size === 0) return `“${file.name}” is empty. Choose another file.`;
  let head: Uint8Array;
  try {
    head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  } catch {
    return `“${file.name}” could not be read. Choose it again.`;
  }
  if (!sniffAudioFormat(head)) return `“${file.name}” is not an audio file we can transcribe (MP3, MP4, M4A, WAV, WebM, Ogg).`;
  return null;
}

export function TranscribeForm({
  userId,
  configured,
  englishOnly,
  maxPromptLength,
  directUpload,
}: {
  userId: string;
  configured: boolean;
  englishOnly: boolean;
  maxPromptLength: number;
  /** Set when the server stores audio in Vercel Blob: files and recordings go there first. */
  directUpload?: DirectUpload;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [language, setLanguage] = useState('');
  const [prompt, setPrompt] = useState('');
  const [dragging, setDragging] = useState(false);
  const [phase, setPhase] = useState<Phase>('idle');
  const [progress, setProgress] = useState(0);
  const [transcriptId, setTranscriptId] = useState<string | undefined>();
  const [text, setText] = useState('');
  /** Our place in the service's queue, until our text starts. */
  const [queuePosition, setQueuePosition] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The file is a recording kept on this device (its id there) until its transcript is done. */
  const [recordingId, setRecordingId] = useState<string | undefined>();
  const [storeVersion, setStoreVersion] = useState(0);
  const [backOnline, setBackOnline] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const uploadRef = useRef<{ abort: () => void } | null>(null);
  const idRef = useRef<string | undefined>(undefined);
  const checkRef = useRef(0);
  const resultRef = useRef<HTMLElement>(null);

  const running = phase === 'running';
  const uploading = running && progress < 1 && !transcriptId;
  const percent = Math.floor(progress * 100);

  // A file shared from another app (see public/sw.js); it waits in a cache, also through a sign-in.
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const shared = params.get('shared');
    if (shared) window.history.replaceState(null, '', window.location.pathname);
    takeSharedFile()
      .then((sharedFile) => {
        if (sharedFile) void chooseFile(sharedFile);
        else if (shared && SHARE_PROBLEMS[shared]) setProblem(SHARE_PROBLEMS[shared]);
      })
      .catch(() => undefined);
    // Runs once on arrival; chooseFile only reads refs and setters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const keptOnDevice = (phase === 'failed' || phase === 'cancelled') && recordingId !== undefined;
  useEffect(() => {
    if (!keptOnDevice) return;
    const offer = () => setBackOnline(true);
    window.addEventListener('online', offer);
    return () => window.removeEventListener('online', offer);
  }, [keptOnDevice]);

  // On a phone the progress sits below the fold once the keyboard closes: bring it into view.
  useEffect(() => {
    if (phase === 'running') resultRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [phase]);

  // Leaving mid-upload loses the audio; once it has arrived, the server finishes on its own.
  useEffect(() => {
    if (!uploading) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [uploading]);

  // Reading the event stream needs zod, loaded at the first sign of use rather than with the page:
  // evaluating it was the longest task of the page load.
  const warmUp = () => void preloadUploadSupport().catch(() => undefined);

  async function chooseFile(next: File | undefined) {
    warmUp();
    if (!next || running) return;
    const check = ++checkRef.current;
    setFile(next);
    setRecordingId(undefined);
    setProblem(null);
    setError(null);
    setPhase('idle');
    setText('');
    setQueuePosition(null);
    setTranscriptId(undefined);
    setProgress(0);
    const found = await problemWith(next);
    if (check === checkRef.current) setProblem(found);
  }

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) {
      setProblem('Choose an audio file first.');
      inputRef.current?.focus();
      return;
    }
    void transcribe(file, recordingId);
  }

  function transcribeRecording(recording: RecordingToSend) {
    if (running) return;
    checkRef.current++;
    setFile(recording.file);
    setRecordingId(recording.id);
    if (inputRef.current) inputRef.current.value = '';
    void transcribe(recording.file, recording.id);
  }

  /**
   * The local copy goes once the server has the audio and needs nothing more from this page: the
   * transcript is done, or the connection dropped after the upload and the server goes on alone.
   * After an upstream failure it stays, so the person can try again from the device.
   */
  function releaseLocalCopy(localId: string | undefined) {
    if (!localId) return;
    void deleteRecording(localId)
      .then(() => {
        setRecordingId((current) => (current === localId ? undefined : current));
        setStoreVersion((version) => version + 1);
      })
      .catch(() => undefined);
  }

  async function transcribe(selected: File, localId: string | undefined) {
    if (!configured || running) return;
    const found = await problemWith(selected);
    if (found) {
      setProblem(found);
      return;
    }

    setProblem(null);
    setError(null);
    setText('');
    setTranscriptId(undefined);
    idRef.current = undefined;
    setProgress(0);
    setBackOnline(false);
    setPhase('running');

    const upload = uploadTranscription({
      file: selected,
      language,
      prompt,
      directUpload,
      recorded: localId !== undefined,
      onUploadProgress: setProgress,
      onEvent: (streamed) => {
        if (streamed.type === 'transcript.created') {
          idRef.current = streamed.id;
          setTranscriptId(streamed.id);
          if (localId) void markRecordingSent(localId, streamed.id).catch(() => undefined);
          void revalidateHistory();
        } else if (streamed.type === 'transcript.waiting') {
          setQueuePosition(streamed.position);
        } else if (streamed.type === 'transcript.text.delta') {
          setQueuePosition(null);
          setText((current) => current + streamed.delta);
        } else if (streamed.type === 'transcript.text.done') {
          setText(streamed.text);
        }
      },
    });
    uploadRef.current = upload;
    const outcome = await upload.done;
    uploadRef.current = null;

    if (outcome.id) setTranscriptId(outcome.id);
    const serverGoesOn = outcome.status === 'failed' && outcome.id !== undefined && outcome.error.code === 'network:connection';
    if (outcome.status === 'done' || serverGoesOn) releaseLocalCopy(localId);
    if (outcome.status === 'done') {
      setText(outcome.text);
      setPhase('done');
    } else if (outcome.status === 'aborted') {
      setPhase('cancelled');
    } else {
      setError(outcome.error.message);
      setPhase('failed');
    }
    void revalidateHistory();
  }

  function cancel() {
    const id = idRef.current;
    if (id) void fetch(`/api/transcriptions/${encodeURIComponent(id)}/cancel`, { method: 'POST', keepalive: true }).catch(() => undefined);
    uploadRef.current?.abort();
  }

  function startOver() {
    checkRef.current++;
    setFile(null);
    setRecordingId(undefined);
    setProblem(null);
    setError(null);
    setPrompt('');
    setText('');
    setTranscriptId(undefined);
    idRef.current = undefined;
    setProgress(0);
    setPhase('idle');
    if (inputRef.current) {
      inputRef.current.value = '';
      inputRef.current.focus();
    }
  }

  return (
    <div className="space-y-6" onPointerDownCapture={warmUp} onFocusCapture={warmUp}>
      <Recorder ownerId={userId} busy={running || !configured} sendingId={running ? recordingId : undefined} storeVersion={storeVersion} onTranscribe={transcribeRecording} />

      <p aria-hidden="true" className="hidden items-center gap-3 text-xs tracking-wide text-neutral-500 uppercase before:h-px before:flex-1 before:bg-neutral-200 after:h-px after:flex-1 after:bg-neutral-200 sm:flex dark:before:bg-neutral-800 dark:after:bg-neutral-800">
        or upload a file
      </p>

      <form onSubmit={submit} noValidate className="space-y-6">
        <fieldset disabled={running} className="min-w-0 space-y-5">
          <div className="space-y-2">
            <input
              ref={inputRef}
              id="audio-file"
              name="file"
              type="file"
              accept={ACCEPT}
              aria-labelledby="audio-file-label"
              aria-describedby={problem ? 'audio-file-details audio-file-problem' : 'audio-file-details'}
              aria-invalid={problem ? true : undefined}
              className="peer sr-only"
              onChange={(event) => void chooseFile(event.currentTarget.files?.[0])}
            />
            <label
              htmlFor="audio-file"
              onDragOver={(event) => {
                if (running) return;
                event.preventDefault();
                event.dataTransfer.dropEffect = 'copy';
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={(event) => {
                event.preventDefault();
                setDragging(false);
                void chooseFile(event.dataTransfer.files[0]);
              }}
              className={`flex min-h-36 flex-col items-center justify-center gap-1 rounded-xl border border-dashed px-4 py-6 text-center transition-colors peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-blue-500 peer-disabled:cursor-not-allowed peer-disabled:opacity-60 ${
                dragging
                  ? 'border-blue-500 bg-blue-50 dark:border-blue-400 dark:bg-blue-950/30'
                  : problem
                    ? 'border-red-400 bg-white hover:bg-neutral-50 dark:border-red-500/70 dark:bg-neutral-900 dark:hover:bg-neutral-900/70'
                    : 'border-neutral-300 bg-white hover:border-neutral-400 hover:bg-neutral-50 dark:border-neutral-700 dark:bg-neutral-900 dark:hover:border-neutral-600 dark:hover:bg-neutral-900/70'
              }`}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true" className="mb-1 size-6 text-neutral-400" fill="none" stroke="currentColor" strokeWidth="1.5">
                {file ? (
                  <path d="M9 18V6l10-2v12M9 18a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0Zm10-2a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0Z" strokeLinejoin="round" />
                ) : (
                  <path d="M12 15V4m0 0L8 8m4-4 4 4M5 15v3a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-3" strokeLinecap="round" strokeLinejoin="round" />
                )}
              </svg>
              <span id="audio-file-label" className="text-sm font-medium">
                Audio file
              </span>
              <span id="audio-file-details" className="max-w-full text-sm text-neutral-600 dark:text-neutral-400">
                {file ? (
                  <>
                    <span className="font-medium [overflow-wrap:anywhere] text-neutral-900 dark:text-neutral-100">{file.name}</span>
                    <span className="whitespace-nowrap"> · {formatBytes(file.size)}</span>
                    <span className="block text-xs text-neutral-500">Choose another file or drop it here</span>
                  </>
                ) : (
                  <>
                    Choose a recording or drop it here
                    <span className="block text-xs text-neutral-500">MP3, MP4, M4A, WAV, WebM or Ogg, up to {formatBytes(MAX_AUDIO_BYTES)}</span>
                  </>
                )}
              </span>
            </label>
            {problem ? (
              <Alert>
                <span id="audio-file-problem">{problem}</span>
              </Alert>
            ) : null}
          </div>

          <div className="space-y-1.5">
            <label htmlFor="language" className={labelClasses}>
              Language
            </label>
            <select id="language" name="language" value={language} onChange={(event) => setLanguage(event.currentTarget.value)} className={`${inputClasses} pr-8`}>
              <option value="">Auto-detect</option>
              {(englishOnly ? ENGLISH_ONLY : LANGUAGES).map(({ code, name }) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </div>

          <div className="space-y-1.5">
            <label htmlFor="prompt" className={labelClasses}>
              Prompt (optional)
            </label>
            <textarea
              id="prompt"
              name="prompt"
              rows={2}
              maxLength={maxPromptLength}
              value={prompt}
              onChange={(event) => setPrompt(event.currentTarget.value)}
              aria-describedby="prompt-hint"
              className={`${inputClasses} resize-y`}
            />
            <div className="flex items-start justify-between gap-4">
              <p id="prompt-hint" className={hintClasses}>
                Names and terms the recording uses, e.g. “Dr. Nguyen, Kubernetes”. It guides their spelling; it is not an instruction.
              </p>
              <span className="shrink-0 text-xs text-neutral-500 tabular-nums" aria-hidden="true">
                {prompt.length}/{maxPromptLength}
              </span>
            </div>
          </div>

          {phase === 'done' ? null : (
            <Button type="submit" variant="primary" disabled={!configured} className="w-full sm:w-auto">
              Transcribe
            </Button>
          )}
        </fieldset>
      </form>

      {phase === 'idle' ? null : (
        <section ref={resultRef} aria-labelledby="result-heading" className="space-y-4 rounded-xl border border-neutral-200 p-4 sm:p-5 dark:border-neutral-800">
          <h2 id="result-heading" className="sr-only">
            Result
          </h2>
          {running ? (
            <div className="space-y-3">
              <div className="flex items-center gap-3">
                <div
                  role="progressbar"
                  aria-label="Upload progress"
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={percent}
                  aria-valuetext={`${percent}%`}
                  className="h-1.5 flex-1 overflow-hidden rounded-full bg-neutral-200 dark:bg-neutral-800"
                >
                  <div className="h-full rounded-full bg-neutral-900 transition-[width] duration-200 dark:bg-white" style={{ width: `${percent}%` }} />
                </div>
                <span className="w-10 text-right text-sm text-neutral-600 tabular-nums dark:text-neutral-400">{percent}%</span>
              </div>
              <div className="flex items-center justify-between gap-3">
                <p role="status" className="flex items-center gap-2 text-sm text-neutral-700 dark:text-neutral-300">
                  <Spinner size="sm" />
                  {uploading ? 'Uploading…' : queuePosition ? `Waiting in line (position ${queuePosition})…` : 'Transcribing…'}
                </p>
                <Button onClick={cancel}>Cancel</Button>
              </div>
            </div>
          ) : (
            <p role="status" className="text-sm font-medium text-neutral-700 dark:text-neutral-300">
              {phase === 'done' ? 'Done. The transcript is saved in your history.' : phase === 'cancelled' ? 'Cancelled' : 'The transcription did not finish.'}
            </p>
          )}

          {error ? <Alert>{error}</Alert> : null}
          {keptOnDevice ? (
            <div className="flex flex-wrap items-center justify-between gap-3">
              <p role="status" className="text-sm text-neutral-700 dark:text-neutral-300">
                {backOnline ? 'You are back online. ' : ''}The recording is safe on this device{backOnline ? '.' : ': press Transcribe to try again.'}
              </p>
              {backOnline && file ? (
                <Button variant="primary" onClick={() => void transcribe(file, recordingId)}>
                  Retry now
                </Button>
              ) : null}
            </div>
          ) : null}

          {running && !text ? (
            <p aria-hidden="true" className="text-sm text-neutral-500 dark:text-neutral-400">
              Words appear here as they are recognised.
            </p>
          ) : null}
          <div
            role="region"
            aria-label="Transcript"
            aria-live="polite"
            className={`text-base leading-7 break-words whitespace-pre-wrap ${
              running && text
                ? "after:ml-0.5 after:inline-block after:h-4 after:w-1.5 after:translate-y-0.5 after:rounded-sm after:bg-neutral-400 after:content-[''] motion-safe:after:animate-pulse"
                : ''
            }`}
          >
            {text}
          </div>

          {phase === 'done' || (phase !== 'running' && transcriptId) ? (
            <div className="flex flex-wrap gap-2 border-t border-neutral-200 pt-4 dark:border-neutral-800">
              {phase === 'done' ? <CopyButton text={text} /> : null}
              {transcriptId ? (
                <Link href={`/transcripts/${transcriptId}`} className={buttonClasses({ variant: 'secondary' })}>
                  Open transcript
                </Link>
              ) : null}
              {phase === 'done' ? (
                <Button variant="ghost" onClick={startOver}>
                  New transcription
                </Button>
              ) : null}
            </div>
          ) : null}
        </section>
      )}

      {/* Room for the record button docked at the bottom of a phone screen. */}
      <div aria-hidden="true" className="h-20 sm:hidden" />
    </div>
  );
}
