import 'server-only';

import { SNIFF_BYTES, sniffAudioFormat, type AudioFormat } from '@/lib/audio/format';
import { claimResumableUpload, getResumableUpload, getResumableUploadClaimedBy, releaseResumableUploadClaim } from '@/lib/db/resumable-uploads';
import { AppError, UPLOAD_STALLED } from '@/lib/errors';
import { moveUploadToAudio, openUploadStream, removeUpload, uploadNotFound } from '@/lib/resumable/storage';
import type { StoredUpload } from './blob-source';
import { transcriptionOptionsSchema, type TranscriptionOptions } from './options';
import type { UpstreamOptions } from './upstream';

export type ResumableUploadFields = { fileName?: string; language?: string; prompt?: string; response_format?: string; stream: boolean };

/** How long a request for an upload that has no bytes yet waits for its first ones (enough to know its container). */
const FIRST_BYTES_WAIT_MS = 15_000;

/**
 * A resumable upload still arriving, checked and ready to be followed: the job reads it as it
 * grows (lib/transcription/job.ts). `length` is undefined while deferred.
 */
export type GrowingUpload = {
  kind: 'growing';
  uploadId: string;
  fileName: string;
  format: AudioFormat;
  length: number | undefined;
  /** Created with a deferred length: transcribed in short parts. */
  recording: boolean;
  options: TranscriptionOptions;
  /** Marks the upload as this transcript's (its bytes keep coming); refused when another request took it. */
  claim: (transcriptId: string) => Promise<void>;
  /** Gives the claim back when the transcript could not start. */
  release: (transcriptId: string) => Promise<void>;
};

export const isGrowingUpload = (upload: StoredUpload | GrowingUpload): upload is GrowingUpload => 'kind' in upload && upload.kind === 'growing';

const taken = () => new AppError('conflict:upload', 'This upload is already being transcribed.');

/**
 * The upload is already this user's transcript's (a page reloaded mid-upload asks again): a
 * request that wants the stream is given that transcription's events instead of a second one.
 */
export class UploadTakenError extends AppError {
  constructor(
    readonly transcriptId: string,
    readonly wantsStream: boolean,
  ) {
    super('conflict:upload', 'This upload is already being transcribed.');
  }
}

/** The upload's first bytes, waiting a little for them while it grows; undefined when they do not come in time. */
async function firstBytes({ id, userId }: { id: string; userId: string }) {
  const signal = AbortSignal.timeout(FIRST_BYTES_WAIT_MS);
  try {
    return new Uint8Array(await new Response(openUploadStream({ id, userId, end: SNIFF_BYTES, follow: true, signal })).arrayBuffer());
  } catch (error) {
    // Not yet there either way: the caller answers that the upload is pending.
    if (signal.aborted || (error instanceof AppError && error.code === UPLOAD_STALLED)) return undefined;
    throw error;
  }
}

/**
 * A resumable upload of this user, checked like a Blob upload before anything goes upstream:
 * theirs (another user's is the same 404 as a missing one), not taken by another transcription,
 * and audio by its first bytes. A complete one is moved into the audio store and transcribed
 * like any stored file (past the upstream's 25 MB, in parts). One still arriving (offset below
 * its length, or a deferred length: a recording) is followed as it grows. Fields not in the
 * request come from the upload's metadata. A refused upload stays (until it expires), except one
 * that is not audio.
 */
export async function receiveResumableUpload({
  id,
  userId,
  fields,
}: {
  id: string;
  userId: string;
  fields: ResumableUploadFields;
}): Promise<StoredUpload | GrowingUpload> {
  const upload = await getResumableUpload({ id, userId });
  if (!upload) throw uploadNotFound();
  const options = transcriptionOptionsSchema.safeParse({
    language: fields.language ?? upload.language,
    prompt: fields.prompt ?? upload.prompt,
    response_format: fields.response_format,
    stream: String(fields.stream),
  });
  if (!options.success) throw new AppError('bad_request:transcription', options.error.issues[0]?.message ?? 'Invalid fields.');
  if (upload.claimedBy) throw new UploadTakenError(upload.claimedBy, options.data.stream);
  if (upload.length === 0) throw new AppError('bad_request:transcription', 'The file is empty.');
  const head = await firstBytes({ id, userId });
  if (!head) throw new AppError('conflict:upload_pending', 'No audio has arrived in this upload yet. Send its first bytes, then ask again.');
  const format = sniffAudioFormat(head);
  if (!format) {
    await removeUpload({ id, userId });
    throw new AppError('unsupported_media_type:transcription', 'This file is not audio we can transcribe. Use MP3, MP4, M4A, WAV, WebM or Ogg.');
  }
  const fileName = fields.fileName ?? upload.fileName;
  if (upload.length === undefined || upload.offset < upload.length) {
    return {
      kind: 'growing',
      uploadId: id,
      fileName,
      format,
      length: upload.length,
      recording: upload.recording,
      options: options.data,
      async claim(transcriptId) {
        if (!(await claimResumableUpload({ id, userId, transcriptId, growing: true }))) throw taken();
      },
      release: (transcriptId) => releaseResumableUploadClaim({ id, userId, transcriptId }),
    };
  }
  return {
    fileName,
    format,
    bytes: upload.length,
    options: options.data,
    async adopt(key) {
      // Of two requests for one upload, one takes it; the other is told it is taken.
      if (!(await claimResumableUpload({ id, userId, transcriptId: key }))) throw taken();
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

/**
 * The growing upload a transcript had claimed, for a takeover to go on following it; undefined
 * when it has none (its upload was already moved into its audio, or it never had one).
 */
export async function claimedGrowingUpload({ transcriptId, userId, options }: { transcriptId: string; userId: string; options: UpstreamOptions }) {
  const upload = await getResumableUploadClaimedBy({ transcriptId, userId });
  if (!upload) return undefined;
  const format = sniffAudioFormat(new Uint8Array(await new Response(openUploadStream({ id: upload.id, userId, end: SNIFF_BYTES })).arrayBuffer()));
  if (!format) return undefined;
  return { uploadId: upload.id, format, length: upload.length, recording: upload.recording, options };
}
