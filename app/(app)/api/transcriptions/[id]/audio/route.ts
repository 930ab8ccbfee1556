import { storedAudioResponse } from '@/lib/audio-store/response';
import { route } from '@/lib/http/route';
import { getOwnedTranscript } from '@/lib/owned-transcript';

/** The stored audio, owner only. */
export const GET = route({ auth: 'session' }, async ({ request, params, userId }) => {
  const transcript = await getOwnedTranscript({ id: params.id, userId });
  return storedAudioResponse(request, { audioKey: transcript.audio_key, audioType: transcript.audio_type });
});
