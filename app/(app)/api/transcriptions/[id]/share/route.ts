import { createShareLink, deleteShareLinksByTranscriptId } from '@/lib/db/queries';
import { AppError } from '@/lib/errors';
import { crossOriginError } from '@/lib/same-origin';
import { createShareToken } from '@/lib/share-token';
import { loadOwnedTranscript } from '../owned';

type Context = { params: Promise<{ id: string }> };

/** Creates a public read-only link. The token is shown once; only its hash is kept. */
export async function POST(request: Request, { params }: Context) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const { token, tokenHash } = createShareToken();
  const link = await createShareLink({ transcriptId: owned.transcript.id, userId: owned.userId, tokenHash });
  if (!link) return new AppError('not_found:transcript').toResponse();
  return Response.json({ path: `/s/${token}`, createdAt: link.created_at }, { status: 201 });
}

/** Stop sharing: every link to this transcript stops working at once. */
export async function DELETE(request: Request, { params }: Context) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  await deleteShareLinksByTranscriptId({ transcriptId: owned.transcript.id, userId: owned.userId });
  return new Response(null, { status: 204 });
}
