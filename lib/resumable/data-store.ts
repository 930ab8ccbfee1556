import 'server-only';

import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DataStore, ERRORS, Upload } from '@tus/utils';
import { z } from 'zod';
import { ACCEPTED_AUDIO_MIME_TYPES } from '@/lib/audio/format';
import { createResumableUpload, declareResumableUploadLength, getResumableUpload, type ResumableUpload } from '@/lib/db/resumable-uploads';
import { getConfig } from '@/lib/env';
import { getAudioSecondsUsedToday } from '@/lib/db/usage';
import { AppError } from '@/lib/errors';
import { dailyDurationRefusal } from '@/lib/quota/transcription';
import { transcriptionOptionsSchema } from '@/lib/transcription/options';
import { appendToUpload, OffsetMovedError, removeUpload, sweepExpiredUploads } from './storage';

/** An unfinished upload is deleted, with its bytes, this long after it was created. */
export const UPLOAD_EXPIRY_MS = 24 * 60 * 60 * 1000;

/** Upload ids are ours (random UUIDs): anything else in the URL is a 404 before any query. */
export const uploadIdSchema = z.uuid();

/**
 * What a client may say about its upload (tus `Upload-Metadata`); other keys are dropped. The
 * type must be one of the audio types we take (parameters such as `;codecs=opus` allowed); the
 * container is proven from the first bytes later.
 */
export const uploadMetadataSchema = z.object({
  filename: z.string().trim().min(1).max(500).default('audio'),
  filetype: z
    .string()
    .trim()
    .toLowerCase()
    .transform((value) => value.split(';')[0]?.trim() ?? '')
    .refine((type) => ACCEPTED_AUDIO_MIME_TYPES.includes(type), { error: 'filetype must be an audio type: MP3, MP4, M4A, WAV, WebM or Ogg.' }),
  language: transcriptionOptionsSchema.shape.language,
  prompt: transcriptionOptionsSchema.shape.prompt,
  /** The audio's duration in seconds when the client knows it: past the day's allowance, refused before any byte. */
  duration: z.coerce.number().positive().max(7 * 24 * 3600).optional(),
});

function toTusUpload(upload: ResumableUpload) {
  return new Upload({
    id: upload.id,
    size: upload.length,
    offset: upload.offset,
    metadata: { filename: upload.fileName, filetype: upload.audioType ?? upload.declaredType },
    creation_date: upload.createdAt,
  });
}

/**
 * @tus/server's storage for one signed-in user (one store per request): the upload's state in
 * the database, its bytes in the audio store (./storage.ts). Every lookup carries the owner, so
 * another user's upload does not exist here (404).
 */
export class ResumableDataStore extends DataStore {
  private readonly userId: string;
  /** The duration stated in the creation request's X-Audio-Duration-Seconds header. */
  private readonly declaredSeconds: number | undefined;
  private readonly onAppended: ((upload: Pick<ResumableUpload, 'claimedBy' | 'userId'>) => void) | undefined;

  constructor({ userId, declaredSeconds, onAppended }: { userId: string; declaredSeconds?: number; onAppended?: (upload: Pick<ResumableUpload, 'claimedBy' | 'userId'>) => void }) {
    super();
    this.userId = userId;
    this.declaredSeconds = declaredSeconds;
    this.onAppended = onAppended;
    this.extensions = ['creation', 'creation-with-upload', 'creation-defer-length', 'termination', 'expiration'];
  }

  private async owned(id: string) {
    const upload = uploadIdSchema.safeParse(id).success ? await getResumableUpload({ id, userId: this.userId }) : undefined;
    if (!upload) throw ERRORS.FILE_NOT_FOUND;
    return upload;
  }

  override async create(upload: Upload) {
    const metadata = uploadMetadataSchema.safeParse(upload.metadata ?? {});
    if (!metadata.success) {
      const issue = metadata.error.issues[0];
      throw new AppError('bad_request:upload', issue ? `${issue.path.join('.')}: ${issue.message}` : 'Invalid upload metadata.');
    }
    const seconds = metadata.data.duration ?? this.declaredSeconds;
    const { limits } = getConfig();
    // Not under the user's lock: the transcription counts the real duration again, part by part.
    if (seconds !== undefined && (await getAudioSecondsUsedToday({ userId: this.userId })) + seconds > limits.audioSecondsPerDay) throw dailyDurationRefusal();
    const createdAt = new Date();
    const created = await createResumableUpload({
      audioBytesPerDay: getConfig().limits.audioBytesPerDay,
      upload: {
        id: upload.id,
        userId: this.userId,
        length: upload.size,
        fileName: metadata.data.filename,
        declaredType: metadata.data.filetype,
        language: metadata.data.language,
        prompt: metadata.data.prompt,
        expiresAt: new Date(createdAt.getTime() + UPLOAD_EXPIRY_MS).toISOString(),
      },
    });
    if (!created) {
      throw new AppError('rate_limit:daily_audio', `This would pass your daily audio allowance of ${getConfig().limits.audioBytesPerDay / 1_000_000} MB. Try again tomorrow.`, {
        retryAfterSeconds: 60 * 60,
      });
    }
    upload.creation_date = createdAt.toISOString();
    return upload;
  }

  override async getUpload(id: string) {
    return toTusUpload(await this.owned(id));
  }

  override async write(body: Readable, id: string, offset: number) {
    const upload = await this.owned(id);
    if (upload.offset !== offset) throw ERRORS.INVALID_OFFSET;
    try {
      return await appendToUpload({ upload, body, onCommitted: ({ claimedBy }) => this.onAppended?.({ claimedBy, userId: this.userId }) });
    } catch (error) {
      if (error instanceof OffsetMovedError) throw ERRORS.INVALID_OFFSET;
      throw error;
    }
  }

  override async declareUploadLength(id: string, length: number) {
    if (!(await declareResumableUploadLength({ id, userId: this.userId, length }))) throw ERRORS.INVALID_LENGTH;
  }

  override async remove(id: string) {
    if (!(await removeUpload({ id, userId: this.userId }))) throw ERRORS.FILE_NOT_FOUND;
  }

  override getExpiration() {
    return UPLOAD_EXPIRY_MS;
  }

  override async deleteExpired() {
    return sweepExpiredUploads();
  }
}

/** Names new uploads: random, never derived from the client's metadata. */
export const newUploadId = () => randomUUID();
