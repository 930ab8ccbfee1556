import 'server-only';

import { SNIFF_BYTES, sniffAudioFormat } from '@/lib/audio/format';
import { claimResumableUpload, getResumableUpload, releaseResumableUploadClaim } from '@/lib/db/resumable-uploads';
import { AppError } from '@/lib/errors';
import { moveUploadToAudio, openUploadStream, removeUpload, uploadNotFound } from '@/lib/resumable/storage';
import type { StoredUpload } from './blob-source';
import { transcriptionOptionsSchema } from './options';

export type ResumableUploadFields = { fileName?: string; language?: string; prompt?: string; response_format?: string; stream: boolean };

/**
 * A finished resumable upload of this user, checked like a Blob upload before anything goes
 * upstream: theirs (another user's is the same 404 as a missing one), complete, and audio by its
 * first bytes. Its size was capped when it was created (MAX_UPLOAD_MB); past the upstream's 25 MB
 * the job splits it into parts. Fields not in the request come from the upload's metadata. A
 * refused upload stays (until it expires), except one that is not audio.
 */
export async function receiveResumableUpload({ id, userId, fields }: { id: string; userId: string; fields: ResumableUploadFields }): Promise<StoredUpload> {
  const upload = await getResumableUpload({ id, userId });
  if (!upload) throw uploadNotFound();
  const options = transcriptionOptionsSchema.safeParse({
    language: fields.language ?? upload.language,
    prompt: fields.prompt ?? upload.prompt,
    response_format: fields.response_format,
    stream: String(fields.stream),
  });
  if (!options.success) throw new AppError('bad_request:transcription', options.error.issues[0]?.message ?? 'Invalid fields.');
  if (upload.claimedBy) throw new AppError('conflict:upload', 'This upload is already being transcribed.');
  if (upload.length === undefined || upload.offset < upload.length) throw new AppError('conflict:upload', 'This upload is not complete yet. Finish it, then transcribe it.');
  const bytes = upload.length;
  if (bytes === 0) throw new AppError('bad_request:transcription', 'The file is empty.');
  const head = new Uint8Array(await new Response(openUploadStream({ id, userId, end: SNIFF_BYTES })).arrayBuffer());
  const format = sniffAudioFormat(head);
  if (!format) {
    await removeUpload({ id, userId });
    throw new AppError('unsupported_media_type:transcription', 'This file is not audio we can transcribe. Use MP3, MP4, M4A, WAV, WebM or Ogg.');
  }
  return {
    fileName: fields.fileName ?? upload.fileName,
    format,
    bytes,
    options: options.data,
    async adopt(key) {
      // Of two requests for one upload, one takes it; the other is told it is taken.
      if (!(await claimResumableUpload({ id, userId, transcriptId: key }))) throw new AppError('conflict:upload', 'This upload is already being transcribed.');
      try {
        await moveUploadToAudio({ upload, key });
      } catch (error) {
        await releaseResumableUploadClaim({ id, userId, transcriptId: key }).catch(() => undefined);
        throw error;
      }
    },
    // Kept: a refusal for a limit can be retried with the same upload, which expires on its own.
    discard: async () => undefined,
  };
}
