import { handleUpload } from '@vercel/blob/client';
import { z } from 'zod';
import { getSignedInUserId } from '@/app/(auth)/auth';
import { getDirectUploads } from '@/lib/audio-store';
import { isUploadPathnameOf, UPLOAD_CONSTRAINTS } from '@/lib/audio-store/uploads';
import { getConfig } from '@/lib/env';
import { AppError, isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { readSmallJson } from '@/lib/request-body';
import { crossOriginError } from '@/lib/same-origin';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const MAX_BODY_BYTES = 4 * 1024;

/**
 * What `upload()` from @vercel/blob/client sends before it uploads. The completion callback
 * (`blob.upload-completed`) is not accepted: no token asks for one, since the page itself tells
 * POST /api/transcriptions when its upload is done.
 */
const tokenRequestSchema = z.object({
  type: z.literal('blob.generate-client-token'),
  payload: z.object({ pathname: z.string().max(200), clientPayload: z.string().max(1000).nullable(), multipart: z.boolean() }),
});

/**
 * Hands the browser a short-lived client token for one upload of audio, at most 25 MB, to a
 * pathname under the signed-in user's prefix that does not exist yet.
 */
export async function POST(request: Request) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const userId = await getSignedInUserId();
  if (!userId) return new AppError('unauthorized:auth').toResponse();
  const token = getConfig().blob?.token;
  if (!token || !getDirectUploads()) return new AppError('not_found:uploads', 'This server takes uploads with the transcription request.').toResponse();

  let body: z.infer<typeof tokenRequestSchema>;
  try {
    const parsed = tokenRequestSchema.safeParse(await readSmallJson(request, { maxBytes: MAX_BODY_BYTES, code: 'bad_request:upload' }));
    if (!parsed.success) return new AppError('bad_request:upload', 'Not an upload token request.').toResponse();
    body = parsed.data;
  } catch (error) {
    return (isAppError(error) ? error : new AppError('bad_request:upload')).toResponse();
  }

  try {
    const answer = await handleUpload({
      token,
      request,
      body,
      onBeforeGenerateToken: async (pathname, _clientPayload, multipart) => {
        // The session was checked above, before the body was read; the pathname must be this user's.
        if (!isUploadPathnameOf(pathname, userId)) throw new AppError('forbidden:upload', 'Uploads go under your own prefix.');
        if (multipart) throw new AppError('bad_request:upload', 'Upload the file in one request.');
        return {
          allowedContentTypes: UPLOAD_CONSTRAINTS.allowedContentTypes,
          maximumSizeInBytes: UPLOAD_CONSTRAINTS.maximumSizeInBytes,
          validUntil: Date.now() + UPLOAD_CONSTRAINTS.validityMs,
          addRandomSuffix: false,
          allowOverwrite: false,
        };
      },
    });
    return Response.json(answer, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    if (isAppError(error)) return error.toResponse();
    log.error('uploads.token', { cause: error instanceof Error ? error.message : String(error) });
    return new AppError('internal:upload', 'The upload could not be prepared. Try again.').toResponse();
  }
}
