import { z } from 'zod';
import { deleteShareLinkById } from '@/lib/db/share-links';
import { crossOriginError } from '@/lib/same-origin';
import { AppError } from '@/lib/errors';
import { loadOwnedTranscript } from '../../owned';

/** Revokes one link; the others keep working. */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string; linkId: string }> }) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const linkId = z.uuid().safeParse((await params).linkId);
  if (!linkId.success || !(await deleteShareLinkById({ id: linkId.data, transcriptId: owned.transcript.id, userId: owned.userId }))) {
    return new AppError('not_found:share_link', 'This link does not exist.').toResponse();
  }
  return new Response(null, { status: 204 });
}
