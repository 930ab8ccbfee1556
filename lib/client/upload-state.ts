import type { TranscriptEvent } from '@/lib/transcription/events';
import type { UploadOutcome } from './upload-transcription';

export type UploadPhase = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

/** Where a transcription in parts has got to: part `index` (1-based) of `count`, null while unknown. */
export type PartProgress = { index: number; count: number | null; startSeconds: number };

/** Everything the main page's form knows about the file it is about to send, or is sending. */
export type UploadState = {
  phase: UploadPhase;
  file: File | null;
  /** The file is a recording kept on this device (its id there) until its transcript is done. */
  recordingId: string | undefined;
  /** That recording is still being made, and transcribed as it goes; its file exists once it stops. */
  recordingLive: boolean;
  /** Why the chosen file cannot be sent, in words for the person who chose it. */
  problem: string | null;
  /** Why the last run failed. */
  error: string | null;
  /** Fraction of the audio uploaded, 0 to 1. */
  progress: number;
  transcriptId: string | undefined;
  text: string;
  /** Our place in the service's queue, until our text starts. */
  queuePosition: number | null;
  part: PartProgress | null;
  /** The connection came back after a run failed: the recording kept on the device can be sent again now. */
  backOnline: boolean;
  /** Changes each time a recording's local copy is deleted, so the recorder lists what is left. */
  storeVersion: number;
};

export type UploadAction =
  /** A file was chosen (picker, drop, share target); its check follows. */
  | { type: 'file.chosen'; file: File }
  /** Applies only while that file is still the chosen one: a slow check cannot overwrite a later choice's. */
  | { type: 'file.checked'; file: File; problem: string | null }
  /** A recording from this device is about to be sent. */
  | { type: 'recording.chosen'; file: File; recordingId: string }
  /** A recording started and is transcribed while it records: the run starts with it. */
  | { type: 'recording.live'; recordingId: string }
  /** That recording stopped: its file is what a retry sends. */
  | { type: 'recording.stopped'; recordingId: string; file: File }
  /** That recording was discarded while it recorded: its run leaves nothing behind. */
  | { type: 'recording.discarded'; recordingId: string }
  | { type: 'problem'; problem: string }
  | { type: 'started' }
  | { type: 'upload.progress'; fraction: number }
  | { type: 'event'; event: TranscriptEvent }
  | { type: 'finished'; outcome: UploadOutcome }
  | { type: 'recording.released'; recordingId: string }
  | { type: 'back.online' }
  | { type: 'reset' };

/** What a run shows, cleared when another file is chosen or a run starts. */
const noRun = {
  error: null,
  progress: 0,
  transcriptId: undefined,
  text: '',
  queuePosition: null,
  part: null,
} satisfies Partial<UploadState>;

export const initialUploadState: UploadState = {
  ...noRun,
  phase: 'idle',
  file: null,
  recordingId: undefined,
  recordingLive: false,
  problem: null,
  backOnline: false,
  storeVersion: 0,
};

export function uploadReducer(state: UploadState, action: UploadAction): UploadState {
  switch (action.type) {
    case 'file.chosen':
      if (state.phase === 'running') return state;
      return { ...state, ...noRun, phase: 'idle', file: action.file, recordingId: undefined, recordingLive: false, problem: null };
    case 'file.checked':
      return action.file === state.file ? { ...state, problem: action.problem } : state;
    case 'recording.chosen':
      if (state.phase === 'running') return state;
      return { ...state, file: action.file, recordingId: action.recordingId, recordingLive: false };
    case 'recording.live':
      if (state.phase === 'running') return state;
      return { ...state, ...noRun, phase: 'running', file: null, recordingId: action.recordingId, recordingLive: true, problem: null, backOnline: false };
    case 'recording.stopped':
      return action.recordingId === state.recordingId ? { ...state, file: action.file, recordingLive: false } : state;
    case 'recording.discarded':
      return action.recordingId === state.recordingId ? { ...initialUploadState, storeVersion: state.storeVersion } : state;
    case 'problem':
      return { ...state, problem: action.problem };
    case 'started':
      if (state.phase === 'running') return state;
      return { ...state, ...noRun, phase: 'running', problem: null, backOnline: false };
    case 'upload.progress':
      return state.phase === 'running' ? { ...state, progress: action.fraction } : state;
    case 'event':
      return state.phase === 'running' ? applyEvent(state, action.event) : state;
    case 'finished':
      return state.phase === 'running' ? finish(state, action.outcome) : state;
    case 'recording.released':
      return {
        ...state,
        recordingId: state.recordingId === action.recordingId ? undefined : state.recordingId,
        storeVersion: state.storeVersion + 1,
      };
    case 'back.online':
      return keptOnDevice(state) ? { ...state, backOnline: true } : state;
    case 'reset':
      if (state.phase === 'running') return state;
      return { ...initialUploadState, storeVersion: state.storeVersion };
  }
}

function applyEvent(state: UploadState, event: TranscriptEvent): UploadState {
  switch (event.type) {
    case 'transcript.created':
      // Every stream of a transcript starts here and then sends its text from the start: one followed again after a lost connection too.
      return { ...state, transcriptId: event.id, text: '' };
    case 'transcript.waiting':
      return { ...state, queuePosition: event.position };
    case 'transcript.part':
      return { ...state, part: { index: event.index, count: event.count, startSeconds: event.startSeconds } };
    case 'transcript.text.delta':
      return { ...state, queuePosition: null, text: state.text + event.delta };
    case 'transcript.text.done':
      return { ...state, text: event.text };
    case 'error':
      // The run's outcome carries the error and ends the run.
      return state;
  }
}

function finish(state: UploadState, outcome: UploadOutcome): UploadState {
  const transcriptId = outcome.id ?? state.transcriptId;
  switch (outcome.status) {
    case 'done':
      return { ...state, phase: 'done', transcriptId, text: outcome.text };
    case 'aborted':
      return { ...state, phase: 'cancelled', transcriptId };
    case 'failed':
      return { ...state, phase: 'failed', transcriptId, error: outcome.error.message };
  }
}

/** Audio is still on its way up: leaving the page now would lose it. */
export function isUploading(state: UploadState) {
  return state.phase === 'running' && state.progress < 1 && !state.transcriptId;
}

/** A recording whose run did not finish stays on this device, to be sent again once it has stopped. */
export function keptOnDevice(state: UploadState) {
  return (state.phase === 'failed' || state.phase === 'cancelled') && state.recordingId !== undefined && !state.recordingLive;
}

/**
 * The server has the audio and needs nothing more from this page: the transcript is done, or the
 * connection dropped after the upload and the server goes on alone. After an upstream failure the
 * local copy stays, so the person can try again from the device.
 */
export function releasesLocalCopy(outcome: UploadOutcome) {
  return outcome.status === 'done' || (outcome.status === 'failed' && outcome.id !== undefined && outcome.error.code === 'network:connection');
}

/** "Part 3 of 7", or "Part 3" while the number of parts is not known. */
export function partLabel({ index, count }: PartProgress) {
  return count === null ? `Part ${index}` : `Part ${index} of ${count}`;
}
