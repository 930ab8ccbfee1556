import Link from 'next/link';
import { Button, buttonClasses } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { hintClasses } from '@/components/ui/field';
import type { UploadState } from '@/lib/client/upload-state';

/** The transcript as it arrives, then what can be done with it. */
export function TranscribeTranscript({ state, onStartOver }: { state: UploadState; onStartOver: () => void }) {
  const { phase, text, transcriptId } = state;
  const running = phase === 'running';
  return (
    <>
      {running && !text ? (
        <p aria-hidden="true" className={hintClasses}>
          Words appear here as they are recognised.
        </p>
      ) : null}
      <div
        role="region"
        aria-label="Transcript"
        aria-live="polite"
        className={`text-base leading-7 break-words whitespace-pre-wrap ${
          running && text
            ? "after:ml-0.5 after:inline-block after:h-4 after:w-1.5 after:translate-y-0.5 after:rounded-sm after:bg-neutral-400 after:content-[''] motion-safe:after:animate-pulse"
            : ''
        }`}
      >
        {text}
      </div>

      {phase === 'done' || (!running && transcriptId) ? (
        <div className="flex flex-wrap gap-2 border-t border-neutral-200 pt-4 dark:border-neutral-800">
          {phase === 'done' ? <CopyButton text={text} /> : null}
          {transcriptId ? (
            <Link href={`/transcripts/${transcriptId}`} className={buttonClasses({ variant: 'secondary' })}>
              Open transcript
            </Link>
          ) : null}
          {phase === 'done' ? (
            <Button variant="ghost" onClick={onStartOver}>
              New transcription
            </Button>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
