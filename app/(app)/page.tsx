import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getSignedInUserId } from '@/app/(auth)/auth';
import { TranscribeForm } from '@/components/transcribe-form';
import { isTranscriptionConfigured } from '@/lib/env';
import { MAX_PROMPT_LENGTH } from '@/lib/transcription/options';

export const metadata: Metadata = { title: 'New transcription' };

export default async function NewTranscriptionPage() {
  if (!(await getSignedInUserId())) redirect('/sign-in?callbackUrl=%2F');
  const configured = isTranscriptionConfigured();

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">New transcription</h1>
        <p className="mt-1 text-sm text-neutral-600 dark:text-neutral-400">Upload a recording and watch its transcript appear as it is recognised.</p>
      </div>
      {configured ? null : (
        <div
          role="status"
          className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800/70 dark:bg-amber-950/40 dark:text-amber-100"
        >
          <p className="font-medium">Transcription is not set up on this server yet.</p>
          <p className="mt-1">
            The operator must set <code className="font-mono text-[0.8125rem]">TRANSCRIBE_BASE_URL</code> and{' '}
            <code className="font-mono text-[0.8125rem]">TRANSCRIBE_API_KEY</code>, then restart the app.
          </p>
        </div>
      )}
      <TranscribeForm configured={configured} maxPromptLength={MAX_PROMPT_LENGTH} />
    </div>
  );
}
