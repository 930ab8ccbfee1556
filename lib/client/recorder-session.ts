import {
  chooseRecordingMimeType,
  extensionForRecordingType,
  RECORDING_BITS_PER_SECOND,
  RECORDING_TIMESLICE_MS,
  recordingFileName,
  uploadTypeForRecording,
} from './recorder-format';
import { recordingSizeState } from './recorder-limit';
import { appendRecordingChunk, createRecording, deleteRecording, finishRecording } from './recordings-store';

export type RecordingEndReason = 'stopped' | 'limit' | 'track-ended' | 'error';

export type RecordingResult = { id: string; file: File; durationMs: number; reason: RecordingEndReason; savedOnDevice: boolean };

export type RecordingSession = {
  id: string;
  fileName: string;
  /** What MediaRecorder reported, e.g. "audio/webm;codecs=opus". */
  mimeType: string;
  elapsedMs: () => number;
  pause: () => void;
  resume: () => void;
  /** Resolves once the recorder has stopped, for whatever reason, and every chunk is saved. */
  ended: Promise<RecordingResult>;
  stop: () => Promise<RecordingResult>;
  discard: () => Promise<void>;
};

export type RecordingCallbacks = {
  /** Input level from 0 to 1, about once a frame. */
  onLevel: (level: number) => void;
  onNearLimit: () => void;
  /** Saving to the device failed: the recording lives only in this page until it is uploaded. */
  onStorageFailed: () => void;
  /** Each chunk, in order, once the device has it (or failed to keep it); `durationMs` is the recording's length with it. */
  onSaved?: (piece: Blob, durationMs: number) => void;
};

export type RecordingOptions = {
  /** The recording stops before it outgrows this (the upload limit). */
  maxBytes: number;
};

export class RecorderProblem extends Error {}

const PROBLEMS: Record<string, string> = {
  NotAllowedError:
    'Verbatim may not use the microphone. Allow it in the site settings (the icon left of the address; on iPhone: Settings › Apps › Safari › Microphone), then press Record again.',
  SecurityError: 'The microphone can only be used on a secure (https) page. Open Verbatim over https and press Record again.',
  NotFoundError: 'No microphone was found. Connect one (or check that your device has one turned on), then press Record again.',
  NotReadableError: 'The microphone is in use by another app or could not be started. Close the other app (or end the call), then press Record again.',
  AbortError: 'The microphone could not be started. Press Record to try again.',
  OverconstrainedError: 'No suitable microphone was found. Connect another one, then press Record again.',
};

const UNSUPPORTED = 'This browser cannot record audio. Use a current Chrome, Safari, Firefox or Edge, or upload a recording instead.';

function problemFrom(error: unknown) {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  return new RecorderProblem(PROBLEMS[name] ?? PROBLEMS.AbortError);
}

/** Asks for the microphone and starts recording; throws a RecorderProblem with words for the person. */
export async function startRecordingSession(ownerId: string, { maxBytes }: RecordingOptions, callbacks: RecordingCallbacks): Promise<RecordingSession> {
  if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) throw new RecorderProblem(UNSUPPORTED);

  let stream: MediaStream;
  try {
    // Processing meant for calls removes quiet speech and pumps the level: the transcript suffers.
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  } catch (error) {
    throw problemFrom(error);
  }

  let recorder: MediaRecorder;
  try {
    const preferred = chooseRecordingMimeType((type) => MediaRecorder.isTypeSupported(type));
    recorder = new MediaRecorder(stream, { mimeType: preferred, audioBitsPerSecond: RECORDING_BITS_PER_SECOND });
    recorder.start(RECORDING_TIMESLICE_MS);
  } catch {
    stream.getTracks().forEach((track) => track.stop());
    throw new RecorderProblem(UNSUPPORTED);
  }
  const mimeType = recorder.mimeType;
  const extension = extensionForRecordingType(mimeType);
  if (!extension) {
    recorder.stop();
    stream.getTracks().forEach((track) => track.stop());
    throw new RecorderProblem(UNSUPPORTED);
  }

  const id = crypto.randomUUID();
  const startedAt = new Date();
  const fileName = recordingFileName(startedAt, extension);
  const inMemory: Blob[] = [];
  let totalBytes = 0;
  let largestChunk = 0;
  let seq = 0;
  let warned = false;
  let savedOnDevice = true;
  let reason: RecordingEndReason | undefined;
  let accumulatedMs = 0;
  let activeSince: number | null = performance.now();

  const elapsedMs = () => accumulatedMs + (activeSince === null ? 0 : performance.now() - activeSince);
  const storageFailed = () => {
    if (!savedOnDevice) return;
    savedOnDevice = false;
    callbacks.onStorageFailed();
  };

  // Writes run one after the other, so chunks land in order and the length always matches them.
  let writes: Promise<unknown> = createRecording({ id, ownerId, fileName, mimeType, startedAt: startedAt.getTime() }).catch(storageFailed);

  const endRecording = (why: RecordingEndReason) => {
    if (recorder.state === 'inactive') return;
    reason ??= why;
    recorder.stop();
  };

  recorder.ondataavailable = (event) => {
    if (event.data.size === 0) return;
    inMemory.push(event.data);
    totalBytes += event.data.size;
    largestChunk = Math.max(largestChunk, event.data.size);
    const piece = event.data;
    const chunk = { id, seq: seq++, data: piece.arrayBuffer(), durationMs: elapsedMs() };
    // The device first, then the upload: whatever the server has is also on the device.
    writes = writes
      .then(async () => {
        if (savedOnDevice) await appendRecordingChunk({ ...chunk, data: await chunk.data });
      })
      .catch(storageFailed)
      .then(() => callbacks.onSaved?.(piece, chunk.durationMs));

    const size = recordingSizeState(totalBytes, largestChunk, maxBytes);
    if (size !== 'ok' && !warned) {
      warned = true;
      callbacks.onNearLimit();
    }
    if (size === 'full') endRecording('limit');
  };
  recorder.onerror = () => endRecording('error');

  // A phone call, an unplugged headset or a revoked permission ends the track (and may stop the
  // recorder before this hears of it): keep what was recorded.
  const [track] = stream.getAudioTracks();
  track?.addEventListener('ended', () => endRecording('track-ended'));
  const whyEnded = () => reason ?? (track?.readyState === 'ended' ? 'track-ended' : 'error');

  const stopLevels = watchInputLevel(stream, callbacks.onLevel, () => activeSince === null);
  const releaseWakeLock = keepScreenAwake();

  const ended = new Promise<RecordingResult>((resolve) => {
    recorder.onstop = async () => {
      const why = whyEnded();
      if (activeSince !== null) accumulatedMs += performance.now() - activeSince;
      activeSince = null;
      stream.getTracks().forEach((each) => each.stop());
      stopLevels();
      releaseWakeLock();
      await writes;
      const durationMs = Math.round(accumulatedMs);
      if (savedOnDevice) await finishRecording(id, durationMs).catch(storageFailed);
      const file = new File(inMemory, fileName, { type: uploadTypeForRecording(mimeType), lastModified: startedAt.getTime() });
      resolve({ id, file, durationMs, reason: why, savedOnDevice });
    };
  });

  return {
    id,
    fileName,
    mimeType,
    elapsedMs,
    pause: () => {
      if (recorder.state !== 'recording') return;
      recorder.pause();
      if (activeSince !== null) accumulatedMs += performance.now() - activeSince;
      activeSince = null;
    },
    resume: () => {
      if (recorder.state !== 'paused') return;
      recorder.resume();
      activeSince = performance.now();
    },
    ended,
    stop: () => {
      endRecording('stopped');
      return ended;
    },
    discard: async () => {
      endRecording('stopped');
      await ended;
      await deleteRecording(id).catch(() => undefined);
    },
  };
}

/** Reports the microphone's loudness (RMS on a 60 dB scale) each animation frame until stopped. */
function watchInputLevel(stream: MediaStream, onLevel: (level: number) => void, isPaused: () => boolean) {
  let context: AudioContext;
  try {
    context = new AudioContext();
  } catch {
    return () => undefined;
  }
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  context.createMediaStreamSource(stream).connect(analyser);
  void context.resume().catch(() => undefined);
  const samples = new Float32Array(analyser.fftSize);
  let frame = 0;
  const tick = () => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    const decibels = 20 * Math.log10(Math.sqrt(sum / samples.length) || 1e-8);
    onLevel(isPaused() ? 0 : Math.min(1, Math.max(0, (decibels + 60) / 60)));
    frame = requestAnimationFrame(tick);
  };
  frame = requestAnimationFrame(tick);
  return () => {
    cancelAnimationFrame(frame);
    onLevel(0);
    void context.close().catch(() => undefined);
  };
}

/** Keeps the screen on (a locked phone may suspend the page), again after the page was hidden. */
function keepScreenAwake() {
  let lock: WakeLockSentinel | undefined;
  let released = false;
  const acquire = () => {
    if (released || document.visibilityState !== 'visible' || !('wakeLock' in navigator)) return;
    navigator.wakeLock.request('screen').then(
      (sentinel) => {
        if (released) void sentinel.release();
        else lock = sentinel;
      },
      () => undefined,
    );
  };
  acquire();
  document.addEventListener('visibilitychange', acquire);
  return () => {
    released = true;
    document.removeEventListener('visibilitychange', acquire);
    void lock?.release().catch(() => undefined);
  };
}
