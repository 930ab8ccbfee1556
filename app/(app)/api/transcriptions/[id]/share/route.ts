import { createShareLink, deleteShareLinksByTranscriptId, getShareLinksByTranscriptId } from '@/lib/db/share-links';
import { AppError } from '@/lib/errors';
import { parseJsonBody } from '@/lib/http/body';
import { route } from '@/lib/http/route';
import { getOwnedTranscript } from '@/lib/owned-transcript';
import { createShareToken } from '@/lib/share-token';
import { toShareLinkDetails } from '@/lib/transcript-details';
import { shareLinkSchema } from '../../schema';

const DAY_MS = 86_400_000;

/** The transcript's links (without their tokens, which are never stored). */
export const GET = route({ auth: 'session' }, async ({ params, userId }) => {
  const transcript = await getOwnedTranscript({ id: params.id, userId });
  const links = await getShareLinksByTranscriptId({ transcriptId: transcript.id, userId });
  return Response.json({ links: links.map(toShareLinkDetails) }, { headers: { 'Cache-Control': 'no-store' } });
});

/** Creates a public read-only link. The token is shown once; only its hash is kept. */
export const POST = route({ auth: 'session' }, async ({ request, params, userId }) => {
  const { name, expiresIn, includeAudio } = await parseJsonBody(request, shareLinkSchema);
  const transcript = await getOwnedTranscript({ id: params.id, userId });
  const { token, tokenHash } = createShareToken();
  const link = await createShareLink({
    transcriptId: transcript.id,
    userId,
    tokenHash,
    name: name || null,
    expiresAt: expiresIn === 'never' ? null : new Date(Date.now() + Number(expiresIn) * DAY_MS).toISOString(),
    includeAudio,
  });
  if (!link) throw new AppError('not_found:transcript');
  return Response.json({ path: `/s/${token}`, link: toShareLinkDetails({ ...link, view_count: 0 }) }, { status: 201 });
});

/** Stop sharing: every link to this transcript stops working at once. */
export const DELETE = route({ auth: 'session' }, async ({ params, userId }) => {
  const transcript = await getOwnedTranscript({ id: params.id, userId });
  await deleteShareLinksByTranscriptId({ transcriptId: transcript.id, userId });
  return new Response(null, { status: 204 });
});
