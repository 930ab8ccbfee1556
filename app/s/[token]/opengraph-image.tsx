import { notFound } from 'next/navigation';
import { ImageResponse } from 'next/og';
import { findSharedTranscript } from '@/lib/share-token';

export const alt = 'A shared transcript';
export const size = { width: 1200, height: 630 };
export const contentType = 'image/png';

/**
 * The link preview carries no transcript text, only the app's name and a neutral label. Chat
 * apps and crawlers keep preview images on their own servers, beyond the reach of revoking the
 * link; and any glyph the bundled Latin font lacks (Japanese, Arabic, emoji) would make the
 * renderer fetch a font from a public CDN with that text in the URL. Every character drawn here
 * is in the bundled font, so rendering fetches nothing and logs nothing.
 */
export default async function SharedTranscriptImage({ params }: { params: Promise<{ token: string }> }) {
  if (!(await findSharedTranscript({ token: (await params).token, recordView: false }))) notFound();
  return new ImageResponse(
    (
      <div style={{ display: 'flex', flexDirection: 'column', justifyContent: 'center', width: '100%', height: '100%', padding: 96, background: '#fafafa', color: '#171717' }}>
        <div style={{ display: 'flex', fontSize: 44, color: '#525252' }}>Verbatim</div>
        <div style={{ display: 'flex', marginTop: 24, fontSize: 88, fontWeight: 600 }}>Shared transcript</div>
      </div>
    ),
    { ...size, headers: { 'Cache-Control': 'private, no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' } },
  );
}
