import { getAudioStore } from '@/lib/audio-store';
import { AppError } from '@/lib/errors';
import { loadOwnedTranscript } from '../owned';

function parseRange(header: string | null, size: number) {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (!match[1] && !match[2])) return undefined;
  const [, first, last] = match;
  if (!first) {
    const suffix = Math.min(Number(last), size);
    return { start: size - suffix, end: size - 1 };
  }
  return { start: Number(first), end: last ? Math.min(Number(last), size - 1) : size - 1 };
}

/** The stored audio, owner only, with byte ranges so that players can seek. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const { transcript } = owned;
  const store = getAudioStore();
  const size = transcript.audio_key ? await store.size(transcript.audio_key) : undefined;
  if (!transcript.audio_key || size === undefined) return new AppError('not_found:audio', 'The audio for this transcript is not stored.').toResponse();

  const headers = new Headers({
    'Content-Type': transcript.audio_type,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'private, no-store',
    'Content-Disposition': 'inline',
  });
  const range = parseRange(request.headers.get('range'), size);
  if (range && (range.start >= size || range.start > range.end)) {
    headers.set('Content-Range', `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  const stored = await store.get(transcript.audio_key, range);
  if (!stored) return new AppError('not_found:audio', 'The audio for this transcript is not stored.').toResponse();
  if (range) {
    headers.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    headers.set('Content-Length', String(range.end - range.start + 1));
    return new Response(stored.body, { status: 206, headers });
  }
  headers.set('Content-Length', String(size));
  return new Response(stored.body, { headers });
}
