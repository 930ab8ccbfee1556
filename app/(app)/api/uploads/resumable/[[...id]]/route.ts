import { AppError } from '@/lib/errors';
import { route, type RouteParams } from '@/lib/http/route';
import { uploadNotFound } from '@/lib/resumable/storage';
import { handleResumableUpload } from '@/lib/resumable/server';
import { resumeWhenUploadGrows } from '@/lib/transcription/paused-upload';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
/** One PATCH may carry a large chunk over a slow connection. */
export const maxDuration = 800;

/**
 * The tus endpoint: POST here creates an upload (optionally with its first bytes), and
 * HEAD/PATCH/DELETE on /api/uploads/resumable/<id> read its offset, append, terminate. The
 * session is checked before a byte of the body is read; the body is the handler's own (each
 * PATCH is capped by the upload's length and MAX_UPLOAD_MB). A PATCH that makes a paused
 * transcription's upload grow again sets that transcription going.
 */
function tusRoute(idRequired: boolean) {
  return route({ auth: 'session', body: 'own' }, ({ request, userId, params }) => {
    const uploadId = uploadIdFrom(params);
    if (idRequired !== (uploadId !== undefined)) throw idRequired ? uploadNotFound() : new AppError('not_found:upload', 'Create uploads at /api/uploads/resumable.');
    return handleResumableUpload(request, { userId, uploadId, onAppended: resumeWhenUploadGrows });
  });
}

function uploadIdFrom(params: RouteParams) {
  const segments = params.id;
  if (segments === undefined) return undefined;
  if (!Array.isArray(segments) || segments.length !== 1) throw uploadNotFound();
  return segments[0];
}

export const POST = tusRoute(false);
export const HEAD = tusRoute(true);
export const PATCH = tusRoute(true);
export const DELETE = tusRoute(true);
export const OPTIONS = route({ auth: 'session', body: 'own' }, ({ request, userId }) => handleResumableUpload(request, { userId, uploadId: undefined }));
