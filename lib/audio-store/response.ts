import 'server-only';

import { AppError } from '@/lib/errors';
import { getAudioStore } from './index';

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

/** The stored audio as an HTTP response, with byte ranges so that players can seek. */
export async function storedAudioResponse(request: Request, { audioKey, audioType }: { audioKey: string | null; audioType: string }) {
  const store = getAudioStore();
  const size = audioKey ? await store.size(audioKey) : undefined;
  if (!audioKey || size === undefined) return new AppError('not_found:audio', 'The audio for this transcript is not stored.').toResponse();

  const headers = new Headers({
    'Content-Type': audioType,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'private, no-store',
    'Content-Disposition': 'inline',
  });
  const range = parseRange(request.headers.get('range'), size);
  if (range && (range.start >= size || range.start > range.end)) {
    headers.set('Content-Range', `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  const stored = await store.get(audioKey, range);
  if (!stored) return new AppError('not_found:audio', 'The audio for this transcript is not stored.').toResponse();
  if (range) {
    headers.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    headers.set('Content-Length', String(range.end - range.start + 1));
    return new Response(stored.body, { status: 206, headers });
  }
  headers.set('Content-Length', String(size));
  return new Response(stored.body, { headers });
}
