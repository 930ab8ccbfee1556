import { notFound } from 'next/navigation';
import { ImageResponse } from 'next/og';
import { findSharedTranscript } from '@/lib/share-token';

export const alt = 'A shared transcript';
export const size = { width: 1200, height: 630 };
export const contentType = 'image/png';

/** The link preview: the title and the first words, drawn with the bundled font (no third party). */
export default async function SharedTranscriptImage({ params }: { params: Promise<{ token: string }> }) {
  const shared = await findSharedTranscript({ token: (await params).token, recordView: false });
  if (!shared) notFound();
  const excerpt = shared.text.replace(/\s+/g, ' ').trim().slice(0, 220);
  return new ImageResponse(
    (
      <div style={{ display: 'flex', flexDirection: 'column', width: '100%', height: '100%', padding: 72, background: '#fafafa', color: '#171717' }}>
        <div style={{ display: 'flex', fontSize: 28, color: '#525252' }}>Verbatim · Shared transcript</div>
        <div style={{ display: 'flex', marginTop: 36, fontSize: 64, fontWeight: 600, lineHeight: 1.15 }}>{shared.title.slice(0, 90)}</div>
        <div style={{ display: 'flex', marginTop: 32, fontSize: 32, lineHeight: 1.45, color: '#404040' }}>{excerpt ? `“${excerpt}${shared.text.length > excerpt.length ? '…' : ''}”` : ''}</div>
      </div>
    ),
    { ...size, headers: { 'Cache-Control': 'private, no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' } },
  );
}
