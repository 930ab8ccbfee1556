import type { TranscriptEvent } from '@/lib/transcription/events';
import { SNIFF_BYTES, sniffAudioFormat } from '@/lib/audio/format';
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
  recordingUpload?: Pick<ResumableUploadHandle, 'done' | 'abort'>;
  /** A recording made in the app rather than a chosen file: the history says which. */
  recorded?: boolean;
};

/** The request to POST /api/transcriptions, whichever way the audio travels. */
type TranscriptionRequest = { body: FormData | string; contentType?: string; onUploadProgress?: (fraction: number) => void };

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
 * /api/transcriptions, or (with `directUpload`) to the Blob store and then by name. The
 * transcription request is an XMLHttpRequest, because fetch reports no upload progress.
 * `done` always resolves, never rejects.
 */
export function uploadTranscription(input: UploadTranscriptionInput): { done: Promise<UploadOutcome>; abort: () => void } {
  let aborted = false;
  let xhr: XMLHttpRequest | undefined;
  const storeUpload = new AbortController();
  const done = preloadUploadSupport().then(
    async (support): Promise<UploadOutcome> => {
      // A long file or a recording goes resumably even where small files go straight to the Blob store.
      const request = input.resumable
        ? await uploadResumably(input, input.resumable, storeUpload.signal)
        : input.recordingUpload
          ? await afterResumableUpload(input, input.recordingUpload, storeUpload.signal)
          : input.directUpload
            ? await uploadToStore(input, input.directUpload, storeUpload.signal)
            : multipartRequest(input);
      if (aborted) return { status: 'aborted', id: undefined };
      if ('status' in request) return request;
      xhr = new XMLHttpRequest();
      return send(xhr, support, request, input.onEvent, input.recorded ? '/api/transcriptions?source=recording' : '/api/transcriptions');
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
  return storedUploadRequest({ file, language, prompt }, { blob: pathname });
}

/** The request naming a file already in the server's store: a Blob upload's pathname or a resumable upload's id. */
function storedUploadRequest({ file, language, prompt }: Pick<UploadTranscriptionInput, 'file' | 'language' | 'prompt'>, upload: { blob: string } | { resumableUpload: string }): TranscriptionRequest {
  return {
    body: JSON.stringify({ ...upload, fileName: file.name, language: language || undefined, prompt: prompt?.trim() ? prompt : undefined, stream: true }),
    contentType: 'application/json',
  };
}

/** Uploads the file with tus (resumed when this fingerprint was interrupted before), then names it to the server. */
async function uploadResumably(
  { file, language, prompt, onUploadProgress }: UploadTranscriptionInput,
  { settings, fingerprint }: NonNullable<UploadTranscriptionInput['resumable']>,
  signal: AbortSignal,
): Promise<TranscriptionRequest | UploadOutcome> {
  const head = await file.slice(0, SNIFF_BYTES).arrayBuffer();
  const upload = startResumableUpload({
    source: file,
    settings,
    fingerprint,
    fileName: file.name,
    fileType: sniffAudioFormat(new Uint8Array(head))?.mimeType ?? file.type,
    language,
    prompt,
    onProgress: (sent, total) => {
      if (total) onUploadProgress?.(Math.min(sent / total, 1));
    },
  });
  return afterResumableUpload({ file, language, prompt, onUploadProgress }, upload, signal);
}

/**
 * The request naming a resumable upload to the server, sent once the upload is complete. For a
 * recording this is the one place that decides when its transcription is asked for.
 */
async function afterResumableUpload(
  { file, language, prompt, onUploadProgress }: Pick<UploadTranscriptionInput, 'file' | 'language' | 'prompt' | 'onUploadProgress'>,
  upload: Pick<ResumableUploadHandle, 'done' | 'abort'>,
  signal: AbortSignal,
): Promise<TranscriptionRequest | UploadOutcome> {
  signal.addEventListener('abort', () => void upload.abort(), { once: true });
  const outcome = await upload.done;
  if (outcome.status === 'aborted') return { status: 'aborted', id: undefined };
  if (outcome.status === 'failed') return { status: 'failed', id: undefined, error: outcome.error };
  onUploadProgress?.(1);
  return storedUploadRequest({ file, language, prompt }, { resumableUpload: outcome.uploadId });
}

function send(
  xhr: XMLHttpRequest,
  { createSseTextReader, parseTranscriptEvent }: Awaited<ReturnType<typeof preloadUploadSupport>>,
  { body, contentType, onUploadProgress }: TranscriptionRequest,
  onEvent: UploadTranscriptionInput['onEvent'],
  url: string,
): Promise<UploadOutcome> {
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

  xhr.open('POST', url);
  xhr.setRequestHeader('Accept', 'text/event-stream');
  if (contentType) xhr.setRequestHeader('Content-Type', contentType);
  xhr.send(body);
  return done;
}
