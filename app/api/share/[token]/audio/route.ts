import { storedAudioResponse } from '@/lib/audio-store/response';
import { AppError } from '@/lib/errors';
import { findSharedTranscript } from '@/lib/share-token';

export const runtime = 'nodejs';

/** The audio of a shared transcript, only through a live link whose owner chose to include it. */
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const shared = await findSharedTranscript({ token: (await params).token, recordView: false });
  if (!shared?.include_audio) return new AppError('not_found:share').toResponse();
  const response = await storedAudioResponse(request, { audioKey: shared.audio_key, audioType: shared.audio_type });
  response.headers.set('Referrer-Policy', 'no-referrer');
  response.headers.set('X-Robots-Tag', 'noindex');
  return response;
}
