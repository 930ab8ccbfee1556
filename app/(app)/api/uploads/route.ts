import { handleUpload } from '@vercel/blob/client';
import { z } from 'zod';
import { getDirectUploads } from '@/lib/audio-store';
import { isUploadPathnameOf, UPLOAD_CONSTRAINTS } from '@/lib/audio-store/uploads';
import { getConfig } from '@/lib/env';
import { AppError, isAppError } from '@/lib/errors';
import { parseJsonBody } from '@/lib/http/body';
import { route } from '@/lib/http/route';
import { log } from '@/lib/log';

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
export const POST = route({ auth: 'session', body: MAX_BODY_BYTES }, async ({ request, userId }) => {
  const token = getConfig().blob?.token;
  if (!token || !getDirectUploads()) throw new AppError('not_found:uploads', 'This server takes uploads with the transcription request.');
  const body = await parseJsonBody(request, tokenRequestSchema);
  try {
    const answer = await handleUpload({
      token,
      request,
      body,
      onBeforeGenerateToken: async (pathname, _clientPayload, multipart) => {
        // The session was checked before the body was read; the pathname must be this user's.
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
    if (isAppError(error)) throw error;
    log.error('uploads.token', { cause: error instanceof Error ? error.message : String(error) });
    throw new AppError('internal:upload', 'The upload could not be prepared. Try again.');
  }
});
