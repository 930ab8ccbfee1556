import type { TranscriptEvent } from '@/lib/transcription/events';
import { apiErrorFromText } from './fetch-json';

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

export type UploadTranscriptionInput = {
  file: File;
  /** ISO code; empty or undefined lets the service detect the language. */
  language?: string;
  prompt?: string;
  onUploadProgress?: (fraction: number) => void;
  onEvent?: (event: TranscriptEvent) => void;
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
 * Uploads a file to POST /api/transcriptions and follows its event stream. XMLHttpRequest,
 * because fetch reports no upload progress. `done` always resolves, never rejects.
 */
export function uploadTranscription(input: UploadTranscriptionInput): { done: Promise<UploadOutcome>; abort: () => void } {
  let aborted = false;
  let xhr: XMLHttpRequest | undefined;
  const done = preloadUploadSupport().then(
    (support) => {
      if (aborted) return { status: 'aborted', id: undefined } satisfies UploadOutcome;
      xhr = new XMLHttpRequest();
      return send(xhr, support, input);
    },
    (): UploadOutcome => (aborted ? { status: 'aborted', id: undefined } : { status: 'failed', id: undefined, error: lostBeforeUpload }),
  );
  return {
    done,
    abort: () => {
      aborted = true;
      xhr?.abort();
    },
  };
}

function send(
  xhr: XMLHttpRequest,
  { createSseTextReader, parseTranscriptEvent }: Awaited<ReturnType<typeof preloadUploadSupport>>,
  { file, language, prompt, onUploadProgress, onEvent }: UploadTranscriptionInput,
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

    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onUploadProgress?.(event.loaded / event.total);
    };
    xhr.upload.onload = () => onUploadProgress?.(1);
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

  // The server reads the options before the file, so the file goes last.
  const form = new FormData();
  if (language) form.append('language', language);
  if (prompt?.trim()) form.append('prompt', prompt);
  form.append('stream', 'true');
  form.append('response_format', 'json');
  form.append('file', file, file.name);

  xhr.open('POST', '/api/transcriptions');
  xhr.setRequestHeader('Accept', 'text/event-stream');
  xhr.send(form);
  return done;
}
