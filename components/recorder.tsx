'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { RecordingsPending } from '@/components/recorder-pending';
import { Button } from '@/components/ui/button';
import { Alert, hintClasses } from '@/components/ui/field';
import { MAX_AUDIO_BYTES } from '@/lib/audio/format';
import { formatBytes, formatDuration } from '@/lib/format';
import { RecorderProblem, type RecordingResult, type RecordingSession, startRecordingSession } from '@/lib/client/recorder-session';
import type { RecordingUpload } from '@/lib/client/recording-upload';
import { deleteRecording, listRecordings, type StoredRecording } from '@/lib/client/recordings-store';
import type { ResumableUploadSettings } from '@/lib/client/resumable-upload';
import { type LiveRecording, useRecordingUpload } from '@/lib/client/use-recording-upload';

/** `upload`: the recording went up while it was made; only its tail may still be on the way. */
export type RecordingToSend = { id: string; file: File; upload?: RecordingUpload };

type State =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'recording'; session: RecordingSession; paused: boolean }
  | { kind: 'review'; result: RecordingResult; url: string; upload: RecordingUpload | undefined };

const END_NOTICES: Partial<Record<RecordingResult['reason'], string>> = {
  'track-ended': 'The microphone stopped (a call, or the device was disconnected). Everything recorded until then is kept.',
  error: 'The recording stopped because of an error. Everything recorded until then is kept.',
};

const dockClasses =
  'fixed inset-x-0 bottom-0 z-20 border-t border-neutral-200 bg-white/95 px-4 pt-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] backdrop-blur sm:static sm:z-auto sm:rounded-xl sm:border sm:bg-white sm:p-4 sm:backdrop-blur-none dark:border-neutral-800 dark:bg-neutral-950/95 sm:dark:bg-neutral-900';

/**
 * Records from the microphone into the device's storage, second by second, and lists recordings
 * that were not transcribed yet (also after a reload or crash). Sending is the form's job: it
 * removes the local copy once the transcript is done.
 */
export function Recorder({
  ownerId,
  busy,
  sendingId,
  storeVersion,
  resumableUpload,
  maxUploadBytes,
  language,
  prompt,
  onTranscribe,
  onLiveRecording,
}: {
  /** The signed-in account: recordings on a shared browser are kept apart per person. */
  ownerId: string;
  /** Nothing can be sent now (a transcription is running, or no service is configured). */
  busy: boolean;
  /** The stored recording being uploaded now, hidden from the list meanwhile. */
  sendingId: string | undefined;
  /** Changes when the form removed a local copy. */
  storeVersion: number;
  /** Where a recording uploads while it is made; unset where long audio is off (it then stops at 25 MB). */
  resumableUpload: ResumableUploadSettings | undefined;
  /** The largest file the server takes (MAX_UPLOAD_MB). */
  maxUploadBytes: number;
  language: string;
  prompt: string;
  onTranscribe: (recording: RecordingToSend) => void;
  /** Set where a recording can be transcribed while it records: it gets the recording as it starts, and Stop needs no review. */
  onLiveRecording?: (recording: LiveRecording) => void;
}) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [elapsedMs, setElapsedMs] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmingDiscard, setConfirmingDiscard] = useState(false);
  const [pending, setPending] = useState<StoredRecording[]>([]);
  const [listVersion, setListVersion] = useState(0);
  const sessionRef = useRef<RecordingSession | null>(null);
  const discardingRef = useRef(false);
  const meterRef = useRef<HTMLDivElement>(null);
  const liveUpload = useRecordingUpload({ userId: ownerId, settings: resumableUpload, language, prompt });
  const maxBytes = resumableUpload ? maxUploadBytes : Math.min(maxUploadBytes, MAX_AUDIO_BYTES);

  const liveId = state.kind === 'recording' ? state.session.id : state.kind === 'review' ? state.result.id : undefined;

  useEffect(() => {
    let current = true;
    listRecordings({ ownerId, exceptId: sessionRef.current?.id })
      .then((recordings) => current && setPending(recordings))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [ownerId, storeVersion, listVersion, liveId]);

  const refreshList = useCallback(() => setListVersion((version) => version + 1), []);

  // Leaving the page stops the recording; what was recorded is kept and listed on the next visit.
  useEffect(() => () => void sessionRef.current?.stop(), []);

  const recording = state.kind === 'recording' ? state : null;
  useEffect(() => {
    if (!recording) return;
    const tick = setInterval(() => setElapsedMs(recording.session.elapsedMs()), 250);
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => {
      clearInterval(tick);
      window.removeEventListener('beforeunload', warn);
    };
  }, [recording]);

  const reviewUrl = state.kind === 'review' ? state.url : null;
  useEffect(() => (reviewUrl ? () => URL.revokeObjectURL(reviewUrl) : undefined), [reviewUrl]);

  async function start() {
    setProblem(null);
    setNotice(null);
    setConfirmingDiscard(false);
    setState({ kind: 'starting' });
    // Asks the browser not to evict recordings under storage pressure.
    void navigator.storage?.persist?.().catch(() => undefined);
    try {
      const session = await startRecordingSession(
        ownerId,
        { maxBytes },
        {
          onLevel: (level) => {
            if (meterRef.current) meterRef.current.style.transform = `scaleX(${level})`;
          },
          onNearLimit: () =>
            setNotice(`Almost at the ${formatBytes(maxBytes)} upload limit: the recording stops by itself soon. Stop now to transcribe it, then record the rest.`),
          onStorageFailed: () => setNotice('This recording cannot be saved on this device (its storage is full or blocked). Keep this page open until it is transcribed.'),
          onSaved: liveUpload.onSaved,
        },
      );
      liveUpload.begin(session, onLiveRecording);
      sessionRef.current = session;
      setElapsedMs(0);
      setState({ kind: 'recording', session, paused: false });
      void session.ended.then(review);
    } catch (error) {
      setState({ kind: 'idle' });
      setProblem(error instanceof RecorderProblem ? error.message : 'The microphone could not be started. Press Record to try again.');
    }
  }

  function review(result: RecordingResult) {
    sessionRef.current = null;
    setConfirmingDiscard(false);
    const kept = !discardingRef.current && result.file.size > 0;
    const { upload, transcribing } = liveUpload.finish(kept ? result.file : null);
    if (!kept) void upload?.abort();
    if (discardingRef.current) return;
    if (result.file.size === 0) {
      void deleteRecording(result.id).catch(() => undefined);
      setState({ kind: 'idle' });
      setNotice('Nothing was recorded. Press Record to try again.');
      return;
    }
    const endNotice =
      result.reason === 'limit'
        ? `The recording reached the ${formatBytes(maxBytes)} upload limit and stopped. Everything up to here is kept: transcribe it, then record the rest separately.`
        : END_NOTICES[result.reason];
    if (endNotice) setNotice(endNotice);
    setState(transcribing ? { kind: 'idle' } : { kind: 'review', result, url: URL.createObjectURL(result.file), upload });
  }

  function togglePause() {
    if (!recording) return;
    if (recording.paused) recording.session.resume();
    else recording.session.pause();
    setElapsedMs(recording.session.elapsedMs());
    setState({ ...recording, paused: !recording.paused });
  }

  async function discard() {
    setConfirmingDiscard(false);
    setNotice(null);
    if (state.kind === 'recording') {
      discardingRef.current = true;
      await state.session.discard();
      discardingRef.current = false;
    } else if (state.kind === 'review') {
      await Promise.all([state.upload?.abort(), deleteRecording(state.result.id).catch(() => undefined)]);
    }
    setState({ kind: 'idle' });
  }

  function transcribeReviewed() {
    if (state.kind !== 'review') return;
    setNotice(null);
    onTranscribe({ id: state.result.id, file: state.result.file, upload: state.upload });
    setState({ kind: 'idle' });
  }

  const serverProgress =
    liveUpload.serverMs === null ? null : <p className={`${hintClasses} tabular-nums`}>Saved on server up to {formatDuration(Math.floor(liveUpload.serverMs / 1000))}</p>;

  const discardConfirmation = confirmingDiscard ? (
    <div role="group" aria-label="Discard this recording?" className="space-y-2 rounded-lg bg-red-50 p-3 dark:bg-red-950/40">
      <p className="text-sm font-medium text-red-900 dark:text-red-200">Discard this recording? It cannot be recovered.</p>
      <div className="grid grid-cols-2 gap-2">
        <Button onClick={() => setConfirmingDiscard(false)}>Keep it</Button>
        <Button variant="danger" onClick={() => void discard()}>
          Discard recording
        </Button>
      </div>
    </div>
  ) : null;

  return (
    <section aria-labelledby="recorder-heading" className="space-y-4">
      <h2 id="recorder-heading" className="sr-only">
        Record
      </h2>

      {problem ? <Alert>{problem}</Alert> : null}
      {notice ? (
        <p role="status" className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2.5 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200">
          {notice}
        </p>
      ) : null}

      {state.kind === 'review' ? (
        <div className="space-y-3 rounded-xl border border-neutral-200 p-4 dark:border-neutral-800">
          <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
            <p className="font-medium [overflow-wrap:anywhere]">{state.result.file.name}</p>
            <p className="text-sm text-neutral-600 tabular-nums dark:text-neutral-400">
              {formatDuration(state.result.durationMs / 1000)} · {formatBytes(state.result.file.size)}
            </p>
          </div>
          <audio controls preload="metadata" src={state.url} aria-label="Recording playback" className="w-full" />
          <p className="text-sm text-neutral-600 dark:text-neutral-400">
            {state.result.savedOnDevice ? 'Saved on this device until it is transcribed.' : 'Not saved on this device: transcribe it before leaving this page.'}
          </p>
          {serverProgress}
          {discardConfirmation ?? (
            <div className="grid grid-cols-2 gap-2 sm:flex sm:justify-end">
              <Button onClick={() => setConfirmingDiscard(true)}>Discard</Button>
              <Button variant="primary" onClick={transcribeReviewed} disabled={busy}>
                Transcribe recording
              </Button>
            </div>
          )}
        </div>
      ) : null}

      <RecordingsPending recordings={pending.filter(({ id }) => id !== liveId && id !== sendingId)} busy={busy} onTranscribe={onTranscribe} onChanged={refreshList} />

      {state.kind === 'review' ? null : (
        <div className={dockClasses}>
          <div className="mx-auto max-w-3xl">
            {recording ? (
              <div className="space-y-3">
                <div className="flex items-center justify-between gap-3">
                  <p role="status" className="flex items-center gap-2 text-sm font-medium">
                    <span aria-hidden="true" className={`size-2.5 rounded-full ${recording.paused ? 'bg-neutral-400' : 'bg-red-600 motion-safe:animate-pulse'}`} />
                    {recording.paused ? 'Paused' : 'Recording'}
                  </p>
                  <p role="timer" aria-label="Elapsed time" className="text-2xl font-semibold tabular-nums">
                    {formatDuration(Math.floor(elapsedMs / 1000))}
                  </p>
                </div>
                <div aria-hidden="true" className="h-2 overflow-hidden rounded-full bg-neutral-200 dark:bg-neutral-800">
                  <div ref={meterRef} className="h-full origin-left scale-x-0 rounded-full bg-emerald-500 transition-transform duration-75" />
                </div>
                {serverProgress}
                {discardConfirmation ?? (
                  <div className="grid grid-cols-3 gap-2">
                    <Button variant="ghost" onClick={() => setConfirmingDiscard(true)}>
                      Discard
                    </Button>
                    <Button onClick={togglePause}>{recording.paused ? 'Resume' : 'Pause'}</Button>
                    <Button variant="primary" onClick={() => void recording.session.stop()}>
                      Stop
                    </Button>
                  </div>
                )}
              </div>
            ) : (
              <button
                type="button"
                onClick={() => void start()}
                disabled={state.kind === 'starting'}
                className="inline-flex min-h-14 w-full items-center justify-center gap-2.5 rounded-full bg-red-600 px-6 text-base font-semibold text-white shadow-sm transition-colors hover:bg-red-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 disabled:cursor-wait disabled:opacity-70 dark:bg-red-600 dark:hover:bg-red-500"
              >
                <svg viewBox="0 0 24 24" aria-hidden="true" className="size-5" fill="none" stroke="currentColor" strokeWidth="2">
                  <rect x="9" y="3" width="6" height="11" rx="3" />
                  <path d="M5 11a7 7 0 0 0 14 0M12 18v3" strokeLinecap="round" />
                </svg>
                {state.kind === 'starting' ? 'Starting the microphone…' : 'Record'}
              </button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
