import { storedAudioResponse } from '@/lib/audio-store/response';
import { AppError } from '@/lib/errors';
import { loadOwnedTranscript } from '../owned';

/** The stored audio, owner only. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  return storedAudioResponse(request, { audioKey: owned.transcript.audio_key, audioType: owned.transcript.audio_type });
}
