import type { DetailedError, Upload, UploadOptions } from 'tus-js-client';
import type { ResumableUploadSettings } from '@/lib/resumable/settings';
import { apiErrorFromText, CONNECTION_LOST_MESSAGE } from './fetch-json';

// Resumable uploads from the browser with tus-js-client (loaded on first use). A file or a
// recording still being made goes up in PATCHes of `settings.chunkSize`; an interrupted upload
// continues from the offset the server stored, also after a reload (tus-js-client keeps the
// upload's URL in localStorage under a fingerprint of ours, which names the user).

export type { ResumableUploadSettings };

export type ResumableUploadError = { code: string; message: string };

export type ResumableUploadOutcome =
  | { status: 'done'; uploadId: string }
  | { status: 'failed'; uploadId: string | undefined; error: ResumableUploadError }
  | { status: 'aborted'; uploadId: string | undefined };

/** After tus-js-client's own retries, a network failure waits for the connection to return, at most this long per round. */
const OFFLINE_WAIT_MS = 30_000;
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10_000, 20_000];

/**
 * Audio of unknown length that grows while it uploads: a recording. `append` each piece as the
 * recorder produces it (and as it is written to IndexedDB), `end` when the user presses Stop:
 * the upload then declares its length. Pieces already acknowledged by the server are dropped.
 */
export interface GrowingSource {
  append(piece: Blob): void;
  end(): void;
}

type SliceResult = { value: Blob | null; done: boolean };

/**
 * A GrowingSource for tus-js-client's `fileReader`: `slice(start, end)` answers as soon as some
 * bytes past `start` are there, waiting up to `flushMs` for `minBytes` of them so that a
 * recording goes up in requests of a few seconds rather than one per recorder tick.
 */
export class GrowingAudio implements GrowingSource {
  /** Unknown until the end: tus-js-client ignores it for an upload of deferred length. */
  readonly size = 0;
  private pieces: Blob[] = [];
  /** Offset of the first held byte: bytes before it were acknowledged and let go. */
  private heldFrom = 0;
  private available = 0;
  private ended = false;
  private wake: (() => void) | undefined;
  private readonly flushMs: number;
  private readonly minBytes: number;

  constructor({ flushMs = 2000, minBytes = 256 * 1024, initial = [] }: { flushMs?: number; minBytes?: number; initial?: Blob[] } = {}) {
    this.flushMs = flushMs;
    this.minBytes = minBytes;
    for (const piece of initial) this.append(piece);
  }

  append(piece: Blob) {
    if (this.ended) throw new Error('The recording has ended.');
    if (piece.size === 0) return;
    this.pieces.push(piece);
    this.available += piece.size;
    this.wake?.();
  }

  end() {
    this.ended = true;
    this.wake?.();
  }

  private changed(timeoutMs: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  async slice(start: number, end: number): Promise<SliceResult> {
    if (start < this.heldFrom) throw new Error('These bytes were already acknowledged and let go.');
    this.dropBefore(start);
    while (!this.ended && this.available <= start) await this.changed(60_000);
    const deadline = Date.now() + this.flushMs;
    while (!this.ended && this.available - start < Math.min(this.minBytes, end - start) && Date.now() < deadline) await this.changed(deadline - Date.now());
    const stop = Math.min(end, this.available);
    const done = this.ended && stop >= this.available;
    if (stop <= start) return { value: null, done };
    return { value: new Blob(this.pieces).slice(start - this.heldFrom, stop - this.heldFrom), done };
  }

  private dropBefore(offset: number) {
    while (this.pieces.length > 0 && this.heldFrom + (this.pieces[0]?.size ?? 0) <= offset) {
      this.heldFrom += this.pieces.shift()?.size ?? 0;
    }
  }

  close() {
    this.pieces = [];
  }
}

/** The fingerprint under which a file's upload is remembered for this user (what resumes it after a reload). */
export function fileFingerprint(userId: string, file: File) {
  return ['verbatim', userId, 'file', file.name, file.type, file.size, file.lastModified].join(':');
}

/** The fingerprint of a recording's upload: its id on the device (lib/client/recordings-store.ts). */
export function recordingFingerprint(userId: string, recordingId: string) {
  return ['verbatim', userId, 'recording', recordingId].join(':');
}

export function uploadIdFromUrl(url: string | null) {
  return url ? (new URL(url, 'http://x').pathname.split('/').pop() ?? undefined) : undefined;
}

/** A failure in the API's words when the server gave them, else by status; network failures say so. */
export function describeUploadError(error: Error | DetailedError): ResumableUploadError {
  const response = 'originalResponse' in error ? error.originalResponse : null;
  if (!response) return { code: 'network:connection', message: CONNECTION_LOST_MESSAGE };
  const status = response.getStatus();
  if (status === 404 || status === 410) return { code: 'not_found:upload', message: 'This upload is no longer on the server. Upload the file again.' };
  const apiError = apiErrorFromText(status, response.getBody() ?? '');
  return { code: apiError.code, message: apiError.message };
}

/** Worth trying again later: no answer, or the server's own trouble (not a refusal). */
function isRetryable(error: Error | DetailedError) {
  const status = 'originalResponse' in error ? (error.originalResponse?.getStatus() ?? 0) : 0;
  return status === 0 || status === 409 || status === 423 || status >= 500;
}

export type ResumableUploadInput = {
  /** A chosen file, or a recording still being made. */
  source: Blob | GrowingAudio;
  settings: ResumableUploadSettings;
  /** From fileFingerprint / recordingFingerprint: how a reload finds the upload again. */
  fingerprint: string;
  fileName: string;
  /** The container's MIME type (sniffed, or the recorder's mimeType). */
  fileType: string;
  language?: string;
  prompt?: string;
  /** The audio's duration when known: the server refuses, at creation, a file longer than the day's allowance. */
  durationSeconds?: number;
  /** Bytes the server has confirmed or that are on their way; total is null while a recording runs. */
  onProgress?: (sent: number, total: number | null) => void;
  /** Bytes the server has stored, after each PATCH it acknowledged. */
  onAccepted?: (bytes: number) => void;
  /** A recording made in the app rather than a chosen file. */
  recorded?: boolean;
  /** The upload exists on the server (created, or found again after a reload): it can be transcribed while it grows. */
  onUploadId?: (uploadId: string) => void;
};

export type ResumableUploadHandle = {
  /** Resolves once, when the upload is complete, has failed for good, or was aborted; never rejects. */
  done: Promise<ResumableUploadOutcome>;
  /** Stops sending; `resume` continues from what the server stored. */
  pause: () => void;
  resume: () => void;
  /** Stops and deletes the upload on the server. */
  abort: () => Promise<void>;
};

/**
 * Starts an upload, or resumes the one this fingerprint started before (in this tab or before
 * a reload). Network failures are retried, and after tus-js-client's retries it waits for the
 * connection to return and goes on, so an offline stretch loses nothing; a refusal by the server
 * (too large, not audio, over the daily allowance) ends it.
 */
export function startResumableUpload(input: ResumableUploadInput): ResumableUploadHandle {
  let upload: Upload | undefined;
  let stopped = false;
  let paused = false;
  let settle: (outcome: ResumableUploadOutcome) => void = () => undefined;
  const done = new Promise<ResumableUploadOutcome>((resolve) => (settle = resolve));
  const finish = (outcome: ResumableUploadOutcome) => {
    stopped = true;
    settle(outcome);
  };

  const waitForConnection = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(go, OFFLINE_WAIT_MS);
      function go() {
        clearTimeout(timer);
        window.removeEventListener('online', go);
        resolve();
      }
      window.addEventListener('online', go);
    });

  const begin = async () => {
    const tus = await import('tus-js-client');
    const growing = input.source instanceof GrowingAudio ? input.source : undefined;
    const options: UploadOptions = {
      endpoint: input.settings.endpoint,
      chunkSize: input.settings.chunkSize,
      retryDelays: RETRY_DELAYS_MS,
      // tus-js-client gives up at once while the browser says it is offline; here that is a wait.
      onShouldRetry: (error) => isRetryable(error),
      metadata: {
        filename: input.fileName,
        filetype: input.fileType,
        ...(input.language ? { language: input.language } : {}),
        ...(input.prompt?.trim() ? { prompt: input.prompt } : {}),
        ...(input.recorded ? { source: 'recording' } : {}),
        ...(input.durationSeconds ? { duration: String(input.durationSeconds) } : {}),
      },
      fingerprint: async () => input.fingerprint,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      uploadLengthDeferred: Boolean(growing),
      ...(growing ? { fileReader: { openFile: async () => growing } } : {}),
      onProgress: (sent, total) => input.onProgress?.(sent, growing ? null : total),
      onChunkComplete: (_size, accepted) => input.onAccepted?.(accepted),
      onUploadUrlAvailable: () => {
        const uploadId = uploadIdFromUrl(upload?.url ?? null);
        if (uploadId) input.onUploadId?.(uploadId);
      },
      onSuccess: () => finish({ status: 'done', uploadId: uploadIdFromUrl(upload?.url ?? null) ?? '' }),
      onError: (error) => {
        if (stopped) return;
        if (!isRetryable(error)) {
          finish({ status: 'failed', uploadId: uploadIdFromUrl(upload?.url ?? null), error: describeUploadError(error) });
          return;
        }
        void waitForConnection().then(() => {
          if (!stopped && !paused) upload?.start();
        });
      },
    };
    // A recording is opened by the fileReader above; tus-js-client's types name only its own inputs.
    upload = new tus.Upload(input.source as Blob, options);
    const previous = await upload.findPreviousUploads();
    const latest = previous.sort((a, b) => Date.parse(b.creationTime) - Date.parse(a.creationTime))[0];
    if (latest) upload.resumeFromPreviousUpload(latest);
    if (!stopped && !paused) upload.start();
  };
  begin().catch((error: unknown) =>
    finish({ status: 'failed', uploadId: undefined, error: describeUploadError(error instanceof Error ? error : new Error(String(error))) }),
  );

  return {
    done,
    pause: () => {
      paused = true;
      void upload?.abort(false);
    },
    resume: () => {
      paused = false;
      if (!stopped) upload?.start();
    },
    abort: async () => {
      const uploadId = uploadIdFromUrl(upload?.url ?? null);
      finish({ status: 'aborted', uploadId });
      await upload?.abort(true).catch(() => undefined);
    },
  };
}
