'use client';

import { useRouter } from 'next/navigation';
import { useCallback } from 'react';
import { shownText, useLiveTranscript } from '@/lib/client/use-live-transcript';
import { Spinner } from '@/components/ui/spinner';

/** The text of a shared transcript that is still being transcribed, filling in as it arrives. */
export function SharedLiveText({ token, initialText }: { token: string; initialText: string }) {
  const router = useRouter();
  // The server page then shows the final state (done, or did not finish).
  const refresh = useCallback(() => router.refresh(), [router]);
  const live = useLiveTranscript(`/api/share/${encodeURIComponent(token)}/events`, refresh);
  const text = shownText(initialText, live);
  return (
    <>
      <p role="status" className="mt-6 flex items-center gap-2 rounded-lg border border-blue-200 bg-blue-50 px-3 py-2.5 text-sm text-blue-900 dark:border-blue-900/60 dark:bg-blue-950/40 dark:text-blue-100">
        <Spinner size="sm" className="shrink-0" />
        Still transcribing: the text fills in as it is recognised.
      </p>
      <div
        aria-label="Transcript text"
        role="region"
        aria-busy="true"
        className="mt-8 text-base leading-7 break-words whitespace-pre-wrap sm:text-[1.0625rem] sm:leading-8"
      >
        {text || <span className="text-neutral-500 dark:text-neutral-400">Waiting for the first words…</span>}
      </div>
    </>
  );
}
