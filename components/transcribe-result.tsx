'use client';

import { useEffect, useRef } from 'react';
import { TranscribeProgress } from '@/components/transcribe-progress';
import { TranscribeTranscript } from '@/components/transcribe-transcript';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/field';
import { keptOnDevice, type UploadState } from '@/lib/client/upload-state';

/** A run of the form: its progress or end, what went wrong, and the transcript. */
export function TranscribeResult({
  state,
  onCancel,
  onRetry,
  onStartOver,
}: {
  state: UploadState;
  onCancel: () => void;
  onRetry: () => void;
  onStartOver: () => void;
}) {
  const sectionRef = useRef<HTMLElement>(null);

  // On a phone the progress sits below the fold once the keyboard closes: bring it into view.
  useEffect(() => {
    if (state.phase === 'running') sectionRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [state.phase]);

  if (state.phase === 'idle') return null;
  const { backOnline } = state;
  return (
    <section ref={sectionRef} aria-labelledby="result-heading" className="space-y-4 rounded-xl border border-neutral-200 p-4 sm:p-5 dark:border-neutral-800">
      <h2 id="result-heading" className="sr-only">
        Result
      </h2>
      <TranscribeProgress state={state} onCancel={onCancel} />

      {state.error ? <Alert>{state.error}</Alert> : null}
      {keptOnDevice(state) ? (
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p role="status" className="text-sm text-neutral-700 dark:text-neutral-300">
            {backOnline ? 'You are back online. ' : ''}The recording is safe on this device{backOnline ? '.' : ': press Transcribe to try again.'}
          </p>
          {backOnline && state.file ? (
            <Button variant="primary" onClick={onRetry}>
              Retry now
            </Button>
          ) : null}
        </div>
      ) : null}

      <TranscribeTranscript state={state} onStartOver={onStartOver} />
    </section>
  );
}
