import { z } from 'zod';
import { deleteShareLinkById } from '@/lib/db/share-links';
import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/route';
import { getOwnedTranscript } from '@/lib/owned-transcript';

/** Revokes one link; the others keep working. A reader following it live is cut off within seconds. */
export const DELETE = route({ auth: 'session' }, async ({ params, userId }) => {
  const linkId = z.uuid().safeParse(params.linkId);
  const transcript = await getOwnedTranscript({ id: params.id, userId });
  if (!linkId.success || !(await deleteShareLinkById({ id: linkId.data, transcriptId: transcript.id, userId }))) {
    throw new AppError('not_found:share_link', 'This link does not exist.');
  }
  return new Response(null, { status: 204 });
});
