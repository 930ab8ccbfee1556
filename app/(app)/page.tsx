import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getSignedInUserId } from '@/app/(auth)/auth';
import { TranscribeForm } from '@/components/transcribe-form';
import { TranscriptionServiceNotice } from '@/components/transcription-service-notice';
import { longAudioAvailable, maxUploadBytes } from '@/lib/audio/ffmpeg';
import { getDirectUploads } from '@/lib/audio-store';
import { uploadPrefixFor } from '@/lib/audio-store/uploads';
import { getEngineStatus } from '@/lib/engine/status';
import { isTranscriptionConfigured } from '@/lib/engine/target';
import { getConfig } from '@/lib/env';
import { getResumableUploadSettings } from '@/lib/resumable/server';
import { MAX_PROMPT_LENGTH } from '@/lib/transcription/options';

export const metadata: Metadata = { title: 'New transcription' };

export default async function NewTranscriptionPage() {
  const userId = await getSignedInUserId();
  if (!userId) redirect('/sign-in?callbackUrl=%2F');
  const configured = isTranscriptionConfigured();
  const { engine } = getConfig().transcription;
  // With a Blob store, audio goes there from the browser: a Vercel function takes 4.5 MB at most.
  const directUpload = getDirectUploads() ? { pathnamePrefix: uploadPrefixFor(userId), handleUploadUrl: '/api/uploads' } : undefined;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">New transcription</h1>
        <p className="mt-1 text-sm text-neutral-600 dark:text-neutral-400">Record or upload audio and watch its transcript appear as it is recognised.</p>
      </div>
      <TranscriptionServiceNotice engine={engine} status={getEngineStatus()} />
      <TranscribeForm
        userId={userId}
        configured={configured}
        englishOnly={engine === 'builtin'}
        maxPromptLength={MAX_PROMPT_LENGTH}
        directUpload={directUpload}
        // Files past the upstream's 25 MB go up resumably and are split into parts, where ffmpeg is at hand.
        resumableUpload={longAudioAvailable() ? getResumableUploadSettings() : undefined}
        maxUploadBytes={maxUploadBytes()}
      />
    </div>
  );
}
