import { route } from '@/lib/http/route';
import { findSharedTranscript } from '@/lib/share-token';
import { notFoundDocument, sharedDocument } from './shared-document';

/**
 * The public shared transcript, served as one HTML document instead of an App Router page: a
 * page ships Next's client runtime (a one-line page measured 135 KB of gzipped JavaScript), which
 * a reader never needs. The price is that the layout, the metadata API and React do not apply
 * here: shared-document.ts writes the head tags, the markup and the styles itself (a change to the
 * root layout's head or to the app's palette is copied there by hand), and its one script (the
 * live follow) is plain DOM code.
 */
export const GET = route({ auth: 'public' }, async ({ request, params }) => {
  const token = typeof params.token === 'string' ? params.token : '';
  const shared = await findSharedTranscript({ token, recordView: true });
  // The per-request nonce that proxy.ts put in the policy.
  const nonce = /'nonce-([^']+)'/.exec(request.headers.get('content-security-policy') ?? '')?.[1];
  // Link previews need an absolute image URL: the one the reader asked for, also behind a proxy.
  const first = (name: string) => request.headers.get(name)?.split(',')[0]?.trim();
  const origin = `${first('x-forwarded-proto') ?? 'http'}://${first('x-forwarded-host') ?? request.headers.get('host')}`;
  const document = shared ? sharedDocument({ shared, token, origin, nonce }) : notFoundDocument();
  return new Response(String(document), {
    status: shared ? 200 : 404,
    // Never cached: a copy would outlive a revoked or expired link.
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'private, no-store' },
  });
});
