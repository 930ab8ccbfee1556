import 'server-only';

import { z } from 'zod';
import { getDirectUploads } from '@/lib/audio-store';
import { isUploadPathnameOf } from '@/lib/audio-store/uploads';
import { MAX_AUDIO_BYTES, SNIFF_BYTES, sniffAudioFormat, type AudioFormat } from '@/lib/audio/format';
import { AppError } from '@/lib/errors';
import { parseJsonBody } from '@/lib/http/body';
import { transcriptionOptionsSchema, type TranscriptionOptions } from './options';
import { receiveResumableUpload, type GrowingUpload } from './resumable-source';

/** A request naming an upload is a few hundred bytes; anything much larger is not one. */
const MAX_REQUEST_BYTES = 16 * 1024;

const requestSchema = z.object({
  /** The upload's pathname in the store, never a URL: the server resolves it against its own store. */
  blob: z.string().max(200).optional(),
  /** Or a resumable (tus) upload's id, finished or still arriving. */
  resumableUpload: z.uuid().optional(),
  /** The client's file name: the transcript's title only. */
  fileName: z.string().max(500).optional(),
  language: z.string().max(10).optional(),
  prompt: z.string().max(10_000).optional(),
  response_format: z.string().max(10).optional(),
  stream: z.boolean().default(false),
});

/** A file the browser uploaded to the store, checked: this user's, present, within the limit, audio. */
export type StoredUpload = {
  fileName: string;
  format: AudioFormat;
  bytes: number;
  options: TranscriptionOptions;
  /** Makes it the audio stored under key (a copy inside the store) and removes the upload. */
  adopt: (key: string) => Promise<void>;
  /** Called when nothing will transcribe the upload now: a Blob upload is removed; a resumable one stays until it expires. */
  discard: () => Promise<void>;
};

export function isStoredUploadRequest(request: Request) {
  return (request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json');
}

const notFound = () => new AppError('not_found:upload', 'This upload does not exist. Upload the file again.');

/**
 * Reads `{ blob | resumableUpload, fileName, language, prompt, stream }` and checks the upload it names before
 * anything goes upstream: the pathname must lie under this user's prefix (another user's
 * pathname gets the same 404 as a missing one), the file must exist, fit the size limit, and its
 * first bytes must prove an accepted audio container. A refused upload is removed.
 */
export async function receiveStoredUpload(request: Request, userId: string): Promise<StoredUpload | GrowingUpload> {
  const { blob: pathname, resumableUpload, fileName, stream, ...fields } = await parseJsonBody(request, requestSchema, { maxBytes: MAX_REQUEST_BYTES });
  if (resumableUpload) return receiveResumableUpload({ id: resumableUpload, userId, fields: { fileName, stream, ...fields } });
  const uploads = getDirectUploads();
  if (!uploads) throw new AppError('unsupported_media_type:transcription', 'Send the audio as multipart/form-data with a "file" field.');
  if (pathname === undefined) throw new AppError('bad_request:api', 'blob: name the uploaded file.');
  const options = transcriptionOptionsSchema.safeParse({ ...fields, stream: String(stream) });
  if (!options.success) throw new AppError('bad_request:transcription', options.error.issues[0]?.message ?? 'Invalid fields.');
  if (!isUploadPathnameOf(pathname, userId)) throw notFound();

  const bytes = await uploads.size(pathname);
  if (bytes === undefined) throw notFound();
  const discard = () => uploads.delete(pathname);
  const refuse = async (error: AppError): Promise<never> => {
    await discard();
    throw error;
  };
  if (bytes === 0) return refuse(new AppError('bad_request:transcription', 'The file is empty.'));
  if (bytes > MAX_AUDIO_BYTES) {
    return refuse(new AppError('payload_too_large:transcription', `The file is larger than ${MAX_AUDIO_BYTES / 1_000_000} MB, the most the transcription service accepts.`));
  }
  const head = await uploads.read(pathname, { start: 0, end: Math.min(SNIFF_BYTES, bytes) - 1 });
  if (!head) throw notFound();
  const format = sniffAudioFormat(new Uint8Array(await new Response(head).arrayBuffer()));
  if (!format) {
    return refuse(new AppError('unsupported_media_type:transcription', 'This file is not audio we can transcribe. Use MP3, MP4, M4A, WAV, WebM or Ogg.'));
  }
  return { fileName: fileName ?? 'audio', format, bytes, options: options.data, adopt: (key) => uploads.adopt(pathname, key), discard };
}
