import { createShareLink, deleteShareLinksByTranscriptId, getShareLinksByTranscriptId } from '@/lib/db/share-links';
import { AppError } from '@/lib/errors';
import { crossOriginError } from '@/lib/same-origin';
import { createShareToken } from '@/lib/share-token';
import { parseJsonBody, shareLinkSchema } from '../../schema';
import { loadOwnedTranscript } from '../owned';
import { toShareLinkDetails } from './details';

type Context = { params: Promise<{ id: string }> };

const DAY_MS = 86_400_000;

/** The transcript's links (without their tokens, which are never stored). */
export async function GET(_request: Request, { params }: Context) {
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const links = await getShareLinksByTranscriptId({ transcriptId: owned.transcript.id, userId: owned.userId });
  return Response.json({ links: links.map(toShareLinkDetails) }, { headers: { 'Cache-Control': 'no-store' } });
}

/** Creates a public read-only link. The token is shown once; only its hash is kept. */
export async function POST(request: Request, { params }: Context) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const body = await parseJsonBody(request, shareLinkSchema);
  if ('error' in body) return body.error.toResponse();

  const { name, expiresIn, includeAudio } = body.data;
  const { token, tokenHash } = createShareToken();
  const link = await createShareLink({
    transcriptId: owned.transcript.id,
    userId: owned.userId,
    tokenHash,
    name: name || null,
    expiresAt: expiresIn === 'never' ? null : new Date(Date.now() + Number(expiresIn) * DAY_MS).toISOString(),
    includeAudio,
  });
  if (!link) return new AppError('not_found:transcript').toResponse();
  return Response.json({ path: `/s/${token}`, link: toShareLinkDetails({ ...link, view_count: 0 }) }, { status: 201 });
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
