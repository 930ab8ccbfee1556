import { storedAudioResponse } from '@/lib/audio-store/response';
import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/route';
import { findSharedTranscript } from '@/lib/share-token';

export const runtime = 'nodejs';

/** The audio of a shared transcript, only through a live link whose owner chose to include it. */
export const GET = route({ auth: 'public' }, async ({ request, params }) => {
  const shared = await findSharedTranscript({ token: typeof params.token === 'string' ? params.token : '', recordView: false });
  if (!shared?.include_audio) throw new AppError('not_found:share');
  const response = await storedAudioResponse(request, { audioKey: shared.audio_key, audioType: shared.audio_type });
  response.headers.set('Referrer-Policy', 'no-referrer');
  response.headers.set('X-Robots-Tag', 'noindex');
  return response;
});
