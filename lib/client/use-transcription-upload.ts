'use client';

import { useEffect, useReducer, useRef } from 'react';
import { MAX_AUDIO_BYTES } from '@/lib/audio/format';
import type { TranscriptEvent } from '@/lib/transcription/events';
import { audioFileProblem } from './audio-file-problem';
import { revalidateHistory } from './keys';
import { type RecordingUpload, startRecordingUpload } from './recording-upload';
import { deleteRecording, getRecording, markRecordingSent } from './recordings-store';
import { fileFingerprint, type ResumableUploadSettings } from './resumable-upload';
import { initialUploadState, isUploading, keptOnDevice, releasesLocalCopy, uploadReducer } from './upload-state';
import { type DirectUpload, preloadUploadSupport, transcribeLiveRecording, type UploadOutcome, uploadTranscription } from './upload-transcription';
import type { LiveRecording } from './use-recording-upload';

/**
 * Reading the event stream needs zod, loaded at the first sign of use rather than with the page:
 * evaluating it was the longest task of the page load.
 */
export const warmUpUploads = () => void preloadUploadSupport().catch(() => undefined);

/**
 * The main page's upload: the state machine of `upload-state.ts` and what it does to the world
 * (the request, the recording kept on the device, the history, leaving the page).
 */
export function useTranscriptionUpload({
  userId,
  configured,
  directUpload,
  resumableUpload,
  maxUploadBytes,
  language,
  prompt,
}: {
  userId: string;
  configured: boolean;
  directUpload: DirectUpload | undefined;
  /** Files past the upstream's limit go up resumably (tus) first: a lost connection or a reload continues where it stopped. */
  resumableUpload: ResumableUploadSettings | undefined;
  maxUploadBytes: number;
  language: string;
  prompt: string;
}) {
  const [state, dispatch] = useReducer(uploadReducer, initialUploadState);
  const runRef = useRef<{ abort: () => void; transcriptId?: string } | null>(null);
  const running = state.phase === 'running';

  const offerRetry = keptOnDevice(state);
  useEffect(() => {
    if (!offerRetry) return;
    const offer = () => dispatch({ type: 'back.online' });
    window.addEventListener('online', offer);
    return () => window.removeEventListener('online', offer);
  }, [offerRetry]);

  // Leaving mid-upload loses the audio; once it has arrived, the server finishes on its own.
  const uploading = isUploading(state);
  useEffect(() => {
    if (!uploading) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [uploading]);

  async function chooseFile(file: File | undefined) {
    warmUpUploads();
    if (!file || running) return;
    dispatch({ type: 'file.chosen', file });
    dispatch({ type: 'file.checked', file, problem: await audioFileProblem(file, maxUploadBytes) });
  }

  function releaseLocalCopy(recordingId: string) {
    void deleteRecording(recordingId)
      .then(() => dispatch({ type: 'recording.released', recordingId }))
      .catch(() => undefined);
  }

  /**
   * Where long audio is on, a recording always goes up resumably: the upload made while recording,
   * or (sent again, or left by a reload) one resumed from the server's offset under its id.
   */
  function recordingUploadFor(file: File, recordingId: string | undefined, live: RecordingUpload | undefined) {
    if (!recordingId || !resumableUpload) return undefined;
    return (
      live ??
      startRecordingUpload({ settings: resumableUpload, userId, recordingId, fileName: file.name, fileType: file.type, language, prompt, initial: [file], ended: true })
    );
  }

  async function transcribe(file: File, recordingId: string | undefined, live?: RecordingUpload) {
    if (!configured || running) return;
    const problem = await audioFileProblem(file, maxUploadBytes);
    if (problem) {
      void live?.abort();
      dispatch({ type: 'problem', problem });
      return;
    }
    dispatch({ type: 'started' });
    const recordingUpload = recordingUploadFor(file, recordingId, live);
    // Transcribed while it recorded, then reloaded: its transcript may have taken all of the upload already.
    const sentAs = recordingId && !live ? (await getRecording(recordingId).catch(() => undefined))?.transcriptId : undefined;

    const run = uploadTranscription({
      file,
      language,
      prompt,
      directUpload,
      recordingUpload,
      resumable:
        !recordingUpload && resumableUpload && file.size > MAX_AUDIO_BYTES ? { settings: resumableUpload, fingerprint: fileFingerprint(userId, file) } : undefined,
      recorded: recordingId !== undefined,
      sentAs,
      onUploadProgress,
      onEvent: onEventOf(recordingId),
    });
    await follow(run, recordingId);
  }

  const onUploadProgress = (fraction: number) => dispatch({ type: 'upload.progress', fraction });

  function onEventOf(recordingId: string | undefined) {
    return (event: TranscriptEvent) => {
      if (event.type === 'transcript.created') {
        if (runRef.current) runRef.current.transcriptId = event.id;
        if (recordingId) void markRecordingSent(recordingId, event.id).catch(() => undefined);
        void revalidateHistory();
      }
      dispatch({ type: 'event', event });
    };
  }

  /** Follows a run to its end; the local copy goes once the server needs nothing more from the page. */
  async function follow(run: { done: Promise<UploadOutcome>; abort: () => void }, recordingId: string | undefined) {
    runRef.current = { abort: run.abort };
    const outcome = await run.done;
    const transcriptId = outcome.id ?? runRef.current?.transcriptId;
    runRef.current = null;
    if (recordingId && releasesLocalCopy(outcome)) releaseLocalCopy(recordingId);
    dispatch({ type: 'finished', outcome });
    void revalidateHistory();
    return transcriptId;
  }

  /**
   * A recording transcribed while it records: the run starts with it and ends once Stop sent its
   * tail. Discarded while recording, it leaves no transcript behind (the recorder deletes the
   * upload and the copy on the device).
   */
  async function transcribeLive({ id, fileName, upload: live, stopped }: LiveRecording) {
    if (!configured || running) return;
    dispatch({ type: 'recording.live', recordingId: id });
    const run = transcribeLiveRecording({ fileName, language, prompt, recordingUpload: live, onUploadProgress, onEvent: onEventOf(id) });
    const discarded = stopped.then((file) => {
      if (file) dispatch({ type: 'recording.stopped', recordingId: id, file });
      else run.abort();
      return !file;
    });
    const transcriptId = await follow(run, id);
    // A run that ended on its own (failed) before a discard still leaves a transcript to delete.
    if (!(await discarded)) return;
    if (transcriptId) await fetch(`/api/transcriptions/${encodeURIComponent(transcriptId)}`, { method: 'DELETE' }).catch(() => undefined);
    dispatch({ type: 'recording.discarded', recordingId: id });
    void revalidateHistory();
  }

  return {
    state,
    chooseFile,
    showProblem: (problem: string) => dispatch({ type: 'problem', problem }),
    /** Sends the chosen file (or recording) again, with the options as they are now. */
    transcribeChosen: () => (state.file ? void transcribe(state.file, state.recordingId) : undefined),
    /** `live`: the upload made while recording, with only its tail left to send. */
    transcribeRecording: (file: File, recordingId: string, live?: RecordingUpload) => {
      if (running) return;
      dispatch({ type: 'recording.chosen', file, recordingId });
      void transcribe(file, recordingId, live);
    },
    transcribeLive: (recording: LiveRecording) => void transcribeLive(recording),
    cancel: () => {
      const id = runRef.current?.transcriptId;
      if (id) void fetch(`/api/transcriptions/${encodeURIComponent(id)}/cancel`, { method: 'POST', keepalive: true }).catch(() => undefined);
      runRef.current?.abort();
    },
    reset: () => dispatch({ type: 'reset' }),
  };
}
