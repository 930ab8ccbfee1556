import 'server-only';

import { MemoryLocker, Server } from '@tus/server';
import { ERRORS, type Locker } from '@tus/utils';
import { maxUploadBytes } from '@/lib/audio/ffmpeg';
import { getDirectUploads } from '@/lib/audio-store';
import type { ResumableUpload } from '@/lib/db/resumable-uploads';
import { AppError, isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { processSingleton } from '@/lib/process-singleton';
import { declaredAudioSeconds } from '@/lib/transcription/incoming';
import { newUploadId, ResumableDataStore } from './data-store';
import { BLOB_CHUNK_BYTES, LOCAL_CHUNK_BYTES, RESUMABLE_UPLOAD_PATH, type ResumableUploadSettings } from './settings';
import { uploadNotFound } from './storage';

/** For the page to hand to the browser's client: PATCHes below Vercel's body limit when audio goes to Blob. */
export function getResumableUploadSettings(): ResumableUploadSettings {
  return { endpoint: RESUMABLE_UPLOAD_PATH, chunkSize: getDirectUploads() ? BLOB_CHUNK_BYTES : LOCAL_CHUNK_BYTES, maxBytes: maxUploadBytes() };
}

/**
 * Within one process, a request for an upload that another request still holds (a client that
 * resumed while its cut-off PATCH has not noticed yet) asks that one to let go (@tus/server's
 * MemoryLocker). Across instances nothing is locked: the offset moves only by a conditional
 * update, so two writers can never both commit at one offset (lib/db/resumable-uploads.ts).
 * Locks are per user, so that nobody can make another user's request let go.
 */
const memoryLocker = processSingleton('resumable-upload-locker', () => new MemoryLocker());

function lockerFor(userId: string): Locker {
  return { newLock: (id) => memoryLocker.newLock(`${userId}/${id}`) };
}

/** tus's own refusals that a user may meet, in our words and error shape. */
const tusErrors = new Map<unknown, () => AppError>([
  [ERRORS.FILE_NOT_FOUND, uploadNotFound],
  [ERRORS.ERR_MAX_SIZE_EXCEEDED, () => new AppError('payload_too_large:upload', `The file is larger than ${maxUploadBytes() / 1_000_000} MB, the most this server accepts.`)],
  [ERRORS.ERR_SIZE_EXCEEDED, () => new AppError('payload_too_large:upload', 'The upload is longer than the length it declared.')],
  [ERRORS.INVALID_OFFSET, () => new AppError('conflict:upload_offset', 'The upload has moved on: ask for its offset and continue from there.')],
]);

/**
 * Answers one tus request (POST create, HEAD offset, PATCH append, DELETE terminate, OPTIONS) of
 * the signed-in user, with @tus/server on our storage. Errors come back as
 * `{ error: { code, message } }` JSON, except tus's protocol-level answers (a missing
 * Tus-Resumable header, an invalid tus header), which stay tus's plain text. `onAppended` hears
 * each stored piece of a PATCH, with the transcript that has claimed the upload.
 */
export async function handleResumableUpload(
  request: Request,
  { userId, uploadId, onAppended }: { userId: string; uploadId: string | undefined; onAppended?: (upload: Pick<ResumableUpload, 'claimedBy' | 'userId'>) => void },
) {
  /** The error answered, when it is ours: its body is JSON, and a limit's Retry-After goes with it. */
  let answered: AppError | undefined;
  const server = new Server({
    path: RESUMABLE_UPLOAD_PATH,
    datastore: new ResumableDataStore({ userId, declaredSeconds: request.method === 'POST' ? declaredAudioSeconds(request.headers) : undefined, onAppended }),
    locker: lockerFor(userId),
    relativeLocation: true,
    // Same-origin only: no CORS header for anyone.
    allowedOrigins: [],
    maxSize: maxUploadBytes(),
    namingFunction: newUploadId,
    getFileIdFromRequest: () => uploadId,
    onResponseError: (_request, error) => {
      answered = isAppError(error) ? error : tusErrors.get(error)?.();
      if (!answered) {
        if ('status_code' in error) return undefined;
        log.error('resumable.unexpected', { method: request.method, name: error.name });
        answered = new AppError('internal:upload', 'The upload could not be stored. Try again.');
      }
      return { status_code: answered.status, body: JSON.stringify({ error: answered.toJSON() }) };
    },
  });
  const response = await server.handleWeb(request);
  if (answered) {
    response.headers.set('Content-Type', 'application/json');
    if (answered.retryAfterSeconds !== undefined) response.headers.set('Retry-After', String(answered.retryAfterSeconds));
  }
  response.headers.set('Cache-Control', 'no-store');
  return response;
}
