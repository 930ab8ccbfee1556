import type { TranscriptEvent } from '@/lib/transcription/events';
import { SNIFF_BYTES, sniffAudioFormat } from '@/lib/audio/format';
import { UPLOAD_STALLED } from '@/lib/errors';
import { apiErrorFromText } from './fetch-json';
import { type ResumableUploadHandle, startResumableUpload, type ResumableUploadSettings } from './resumable-upload';

/**
 * The stream reader validates events with the zod schema; zod would triple this page's own
 * script, so it loads on demand. Call at the first sign of use to have it ready.
 */
export function preloadUploadSupport() {
  return import('./sse-text-reader');
}

export type UploadError = { code: string; message: string };

export type UploadOutcome =
  | { status: 'done'; id: string | undefined; text: string }
  | { status: 'failed'; id: string | undefined; error: UploadError }
  | { status: 'aborted'; id: string | undefined };

/**
 * Uploading straight to the Blob store (when the server has one): the server's prefix for this
 * user's uploads and the route that hands out upload tokens.
 */
export type DirectUpload = { pathnamePrefix: string; handleUploadUrl: string };

export type UploadTranscriptionInput = {
  file: File;
  /** ISO code; empty or undefined lets the service detect the language. */
  language?: string;
  prompt?: string;
  onUploadProgress?: (fraction: number) => void;
  onEvent?: (event: TranscriptEvent) => void;
  /** Send the file to the Blob store first, then ask the server to transcribe it there. */
  directUpload?: DirectUpload;
  /** Send the file as a resumable (tus) upload first (fingerprint: fileFingerprint), then ask the server to transcribe it. */
  resumable?: { settings: ResumableUploadSettings; fingerprint: string };
  /** A recording's resumable upload, running since it started (lib/client/recording-upload.ts): the server is asked to transcribe it. */
  recordingUpload?: UploadUnderWay;
  /** A recording made in the app rather than a chosen file: the history says which. */
  recorded?: boolean;
  /** The transcript this recording was sent as before a reload: followed if its upload was already transcribed to the end. */
  sentAs?: string;
};

/** The request to POST /api/transcriptions, whichever way the audio travels. */
type TranscriptionRequest = {
  /** None: follows the running (or finished) transcript `follow` instead of asking for one. */
  body?: FormData | string;
  follow?: string;
  contentType?: string;
  onUploadProgress?: (fraction: number) => void;
  /** Hears the events instead of the input's onEvent. */
  onEvent?: UploadTranscriptionInput['onEvent'];
};

const lostBeforeUpload: UploadError = {
  code: 'network:connection',
  message: 'The connection was lost before the upload finished. Check your network and press Transcribe again.',
};

const lostAfterUpload: UploadError = {
  code: 'network:connection',
  message: 'The connection was lost. Your audio had arrived, so the transcription goes on without this page: open the transcript to see it.',
};

/**
 * Uploads a file and follows the transcription's event stream: as multipart to POST
 * /api/transcriptions, or (with `directUpload`) to the Blob store and then by name.
 */
export function uploadTranscription(input: UploadTranscriptionInput): { done: Promise<UploadOutcome>; abort: () => void } {
  return runTranscription(input.recorded, input.onEvent, async (transcribe, signal) => {
    // A long file or a recording goes resumably even where small files go straight to the Blob store.
    if (input.resumable) return uploadResumably(input, input.resumable, signal, transcribe);
    if (input.recordingUpload) return transcribeWhileUploading({ ...input, fileName: input.file.name }, input.recordingUpload, signal, transcribe);
    const request = input.directUpload ? await uploadToStore(input, input.directUpload, signal) : multipartRequest(input);
    if ('status' in request) return request;
    return transcribe(request);
  });
}

export type LiveRecordingInput = Pick<UploadTranscriptionInput, 'language' | 'prompt' | 'onUploadProgress' | 'onEvent' | 'sentAs'> & {
  /** The recording's name on the device: the transcript's title. */
  fileName: string;
  /** Its resumable upload, started with the recording (lib/client/recording-upload.ts). */
  recordingUpload: UploadUnderWay;
};

/**
 * Transcribes a recording while it is being made: the server transcribes each part as soon as the
 * upload holds it, and ends once Stop has sent the tail. Its file exists only at Stop.
 */
export function transcribeLiveRecording(input: LiveRecordingInput): { done: Promise<UploadOutcome>; abort: () => void } {
  return runTranscription(true, input.onEvent, (transcribe, signal) => transcribeWhileUploading(input, input.recordingUpload, signal, transcribe));
}

/**
 * What every way of sending shares: the transcription request (an XMLHttpRequest, because fetch
 * reports no upload progress) and aborting. `done` always resolves, never rejects.
 */
function runTranscription(
  recorded: boolean | undefined,
  onEvent: UploadTranscriptionInput['onEvent'],
  work: (transcribe: Transcribe, signal: AbortSignal) => Promise<UploadOutcome>,
): { done: Promise<UploadOutcome>; abort: () => void } {
  let aborted = false;
  let xhr: XMLHttpRequest | undefined;
  const storeUpload = new AbortController();
  const done = preloadUploadSupport().then(
    (support): Promise<UploadOutcome> => {
      const transcribe: Transcribe = (request) => {
        if (aborted) return Promise.resolve({ status: 'aborted', id: undefined });
        xhr = new XMLHttpRequest();
        const url = request.follow
          ? `/api/transcriptions/${encodeURIComponent(request.follow)}/events`
          : recorded
            ? '/api/transcriptions?source=recording'
            : '/api/transcriptions';
        return send(xhr, support, request, onEvent, url);
      };
      return work(transcribe, storeUpload.signal);
    },
    (): UploadOutcome => (aborted ? { status: 'aborted', id: undefined } : { status: 'failed', id: undefined, error: lostBeforeUpload }),
  );
  return {
    done,
    abort: () => {
      aborted = true;
      storeUpload.abort();
      xhr?.abort();
    },
  };
}

function multipartRequest({ file, language, prompt, onUploadProgress }: UploadTranscriptionInput): TranscriptionRequest {
  // The server reads the options before the file, so the file goes last.
  const form = new FormData();
  if (language) form.append('language', language);
  if (prompt?.trim()) form.append('prompt', prompt);
  form.append('stream', 'true');
  form.append('response_format', 'json');
  form.append('file', file, file.name);
  return { body: form, onUploadProgress };
}

/**
 * Puts the file in the Blob store under a fresh pathname of this user's prefix (the SDK asks
 * `handleUploadUrl` for a token first), then names it to the server. The SDK loads only here.
 */
async function uploadToStore(
  { file, language, prompt, onUploadProgress }: UploadTranscriptionInput,
  { pathnamePrefix, handleUploadUrl }: DirectUpload,
  signal: AbortSignal,
): Promise<TranscriptionRequest | UploadOutcome> {
  const pathname = `${pathnamePrefix}${crypto.randomUUID()}`;
  try {
    const [{ upload }, head] = await Promise.all([import('@vercel/blob/client'), file.slice(0, SNIFF_BYTES).arrayBuffer()]);
    await upload(pathname, file, {
      access: 'private',
      handleUploadUrl,
      // The store takes audio types only; the container's own type, whatever the file claims.
      contentType: sniffAudioFormat(new Uint8Array(head))?.mimeType ?? file.type,
      abortSignal: signal,
      onUploadProgress: ({ loaded, total }) => {
        if (total > 0) onUploadProgress?.(Math.min(loaded / total, 1));
      },
    });
  } catch {
    return signal.aborted ? { status: 'aborted', id: undefined } : { status: 'failed', id: undefined, error: lostBeforeUpload };
  }
  onUploadProgress?.(1);
  return storedUploadRequest({ fileName: file.name, language, prompt }, { blob: pathname });
}

/** The request naming a file already in the server's store: a Blob upload's pathname or a resumable upload's id. */
function storedUploadRequest(
  { fileName, language, prompt }: Pick<UploadTranscriptionInput, 'language' | 'prompt'> & { fileName: string },
  upload: { blob: string } | { resumableUpload: string },
): TranscriptionRequest {
  return {
    body: JSON.stringify({ ...upload, fileName, language: language || undefined, prompt: prompt?.trim() ? prompt : undefined, stream: true }),
    contentType: 'application/json',
  };
}

/** Asks the server to transcribe (POST /api/transcriptions) and follows the answer's events. */
type Transcribe = (request: TranscriptionRequest) => Promise<UploadOutcome>;

/** A file's duration as the browser reads it from its header, if it can within a moment; the server's early refusal of a file longer than the day allows. */
const DURATION_WAIT_MS = 3000;
/** Until the upload's first bytes are on the server, asking to transcribe it is answered 409 `conflict:upload_pending`: asked again this often. */
const PENDING_RETRY_MS = 2000;
/** After a lost connection the transcription is followed again once the browser is online, waiting longer each time up to this. */
const RECONNECT_MAX_DELAY_MS = 15_000;
/** Once the upload is complete, a transcription that cannot be reached is asked for this many more times. */
const RECONNECTS_AFTER_UPLOAD = 8;

function audioDuration(file: File): Promise<number | undefined> {
  return new Promise((resolve) => {
    const audio = document.createElement('audio');
    const url = URL.createObjectURL(file);
    const settle = (seconds: number | undefined) => {
      clearTimeout(timer);
      audio.removeAttribute('src');
      URL.revokeObjectURL(url);
      resolve(seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined);
    };
    const timer = setTimeout(() => settle(undefined), DURATION_WAIT_MS);
    audio.preload = 'metadata';
    audio.onloadedmetadata = () => settle(audio.duration);
    audio.onerror = () => settle(undefined);
    audio.src = url;
  });
}

/** Uploads the file with tus (resumed when this fingerprint was interrupted before) and transcribes it while it goes up. */
async function uploadResumably(
  input: UploadTranscriptionInput,
  { settings, fingerprint }: NonNullable<UploadTranscriptionInput['resumable']>,
  signal: AbortSignal,
  transcribe: Transcribe,
): Promise<UploadOutcome> {
  const { file, language, prompt, onUploadProgress } = input;
  const [head, durationSeconds] = await Promise.all([file.slice(0, SNIFF_BYTES).arrayBuffer(), audioDuration(file)]);
  let announce: (uploadId: string) => void = () => undefined;
  const uploadId = new Promise<string>((resolve) => (announce = resolve));
  const upload = startResumableUpload({
    source: file,
    settings,
    fingerprint,
    fileName: file.name,
    fileType: sniffAudioFormat(new Uint8Array(head))?.mimeType ?? file.type,
    language,
    prompt,
    durationSeconds,
    onProgress: (sent, total) => {
      if (total) onUploadProgress?.(Math.min(sent / total, 1));
    },
    onUploadId: (id) => announce(id),
  });
  return transcribeWhileUploading({ ...input, fileName: file.name }, { ...upload, uploadId }, signal, transcribe);
}

/** A resumable upload on its way, and its id on the server once it exists there. */
export type UploadUnderWay = Pick<ResumableUploadHandle, 'done' | 'abort' | 'pause'> & { uploadId: Promise<string> };

/**
 * As soon as the upload exists on the server, asks for its transcription: the server transcribes
 * the upload as it grows (a WAV, MP3 or WebM part by part, the first words within seconds) and
 * ends once it is complete. After a reload the server may already be transcribing it: the same
 * request then follows that transcription. A lost connection (a closed laptop, a train tunnel)
 * loses only this page's view: once the browser is online again the transcription is followed
 * again, from its text so far, while the upload catches up on its own; a transcription that had
 * paused waiting for the upload goes on as the upload grows. An upload that fails for good
 * cancels it.
 */
async function transcribeWhileUploading(
  { fileName, language, prompt, onUploadProgress, onEvent, sentAs }: Omit<LiveRecordingInput, 'recordingUpload'>,
  upload: UploadUnderWay,
  signal: AbortSignal,
  transcribe: Transcribe,
): Promise<UploadOutcome> {
  const { uploadId } = upload;
  signal.addEventListener('abort', () => void upload.abort(), { once: true });
  let transcriptId: string | undefined;
  let uploadComplete = false;
  const uploadEnded = upload.done.then((outcome): UploadOutcome | undefined => {
    if (outcome.status === 'done') {
      uploadComplete = true;
      onUploadProgress?.(1);
      return undefined;
    }
    return outcome.status === 'aborted' ? { status: 'aborted', id: transcriptId } : { status: 'failed', id: transcriptId, error: outcome.error };
  });

  const first = await Promise.race([uploadId, uploadEnded]);
  if (typeof first !== 'string') return first ?? { status: 'failed', id: undefined, error: lostBeforeUpload };
  const transcription = (async (): Promise<UploadOutcome> => {
    let request = storedUploadRequest({ fileName, language, prompt }, { resumableUpload: first });
    let reconnects = 0;
    let reconnectsAfterUpload = 0;
    for (;;) {
      const outcome = await transcribe({
        ...request,
        onEvent: (event) => {
          if (event.type === 'transcript.created') {
            transcriptId = event.id;
            reconnects = 0;
          }
          onEvent?.(event);
        },
      });
      if (outcome.status !== 'failed') return { ...outcome, id: outcome.id ?? transcriptId };
      const { code } = outcome.error;
      if (code === 'not_found:upload' && sentAs && (await transcribedOrRunning(sentAs))) {
        transcriptId = sentAs;
        request = { follow: sentAs };
        continue;
      }
      if (code === 'conflict:upload_pending') {
        await delay(PENDING_RETRY_MS, signal);
        continue;
      }
      // This page lost the answer, not the work (or the work waits for the upload, which this page is still sending).
      const lost = code === lostBeforeUpload.code || code === UPLOAD_STALLED;
      if (!lost || signal.aborted || (uploadComplete && ++reconnectsAfterUpload > RECONNECTS_AFTER_UPLOAD)) {
        return code === lostBeforeUpload.code ? { status: 'failed', id: transcriptId, error: lostAfterUpload } : outcome;
      }
      await online(signal);
      await delay(Math.min(1000 * 2 ** reconnects++, RECONNECT_MAX_DELAY_MS), signal);
      // Asking again for the upload follows its transcription (or starts it, had the first request not arrived).
      if (transcriptId) request = { follow: transcriptId };
    }
  })();
  // The transcription ends on its own once the upload is complete; an upload that fails for good ends it.
  const failedUpload = uploadEnded.then((outcome) => (outcome ? { upload: outcome } : new Promise<never>(() => undefined)));
  const settled = await Promise.race([transcription.then((outcome) => ({ transcription: outcome })), failedUpload]);
  if ('upload' in settled) {
    if (transcriptId) void fetch(`/api/transcriptions/${encodeURIComponent(transcriptId)}/cancel`, { method: 'POST', keepalive: true }).catch(() => undefined);
    return settled.upload;
  }
  const outcome = settled.transcription;
  // A refused or failed transcription: the rest of the file is not sent (the server keeps what it has until it expires).
  if (outcome.status !== 'done') upload.pause();
  return outcome;
}

function delay(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** Resolves once the browser says it is online (at once when it is). */
function online(signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    if (navigator.onLine || signal.aborted) return resolve();
    const done = () => {
      window.removeEventListener('online', done);
      resolve();
    };
    window.addEventListener('online', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Whether a reloaded recording's earlier transcript is worth following: one that failed or was cancelled would only repeat how it ended. */
async function transcribedOrRunning(id: string) {
  const response = await fetch(`/api/transcriptions/${encodeURIComponent(id)}`).catch(() => undefined);
  if (!response?.ok) return false;
  const { status } = (await response.json().catch(() => ({}))) as { status?: string };
  return status === 'done' || status === 'transcribing';
}

function send(
  xhr: XMLHttpRequest,
  { createSseTextReader, parseTranscriptEvent }: Awaited<ReturnType<typeof preloadUploadSupport>>,
  { body, contentType, onUploadProgress, onEvent: onRequestEvent }: TranscriptionRequest,
  onInputEvent: UploadTranscriptionInput['onEvent'],
  url: string,
): Promise<UploadOutcome> {
  const onEvent = onRequestEvent ?? onInputEvent;
  let id: string | undefined;
  let final: UploadOutcome | undefined;

  const reader = createSseTextReader((data) => {
    if (final) return;
    const event = parseTranscriptEvent(data);
    if (!event) return;
    if (event.type === 'transcript.created') id = event.id;
    else if (event.type === 'transcript.text.done') final = { status: 'done', id, text: event.text };
    else if (event.type === 'error') final = { status: 'failed', id, error: event.error };
    onEvent?.(event);
  });

  const isEventStream = () =>
    xhr.status >= 200 && xhr.status < 300 && (xhr.getResponseHeader('Content-Type') ?? '').includes('text/event-stream');

  const done = new Promise<UploadOutcome>((resolve) => {
    const lost = (): UploadOutcome => ({ status: 'failed', id, error: id ? lostAfterUpload : lostBeforeUpload });

    if (onUploadProgress) {
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) onUploadProgress(event.loaded / event.total);
      };
      xhr.upload.onload = () => onUploadProgress(1);
    }
    xhr.onprogress = () => {
      if (isEventStream()) reader.read(xhr.responseText);
    };
    xhr.onload = () => {
      if (isEventStream()) {
        reader.read(xhr.responseText);
        resolve(final ?? lost());
        return;
      }
      const error = apiErrorFromText(xhr.status, xhr.responseText);
      resolve({ status: 'failed', id, error: { code: error.code, message: error.message } });
    };
    xhr.onerror = () => resolve(final ?? lost());
    xhr.onabort = () => resolve(final ?? { status: 'aborted', id });
  });

  xhr.open(body === undefined ? 'GET' : 'POST', url);
  xhr.setRequestHeader('Accept', 'text/event-stream');
  if (contentType) xhr.setRequestHeader('Content-Type', contentType);
  xhr.send(body);
  return done;
}
