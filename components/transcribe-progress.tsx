import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { isUploading, partLabel, type UploadState } from '@/lib/client/upload-state';

const ENDED: Record<Exclude<UploadState['phase'], 'idle' | 'running'>, string> = {
  done: 'Done. The transcript is saved in your history.',
  cancelled: 'Cancelled',
  failed: 'The transcription did not finish.',
};

/** How far a run has got (upload, place in line, part of a long recording), or how it ended. */
export function TranscribeProgress({ state, onCancel }: { state: UploadState; onCancel: () => void }) {
  if (state.phase === 'idle') return null;
  if (state.phase !== 'running') {
    return (
      <p role="status" className="text-sm font-medium text-neutral-700 dark:text-neutral-300">
        {ENDED[state.phase]}
      </p>
    );
  }

  const percent = Math.floor(state.progress * 100);
  return (
    <div className="space-y-3">
      {/* A recording still being made has no size to measure its upload against. */}
      <div className={`flex items-center gap-3 ${state.recordingLive ? 'hidden' : ''}`}>
        <div
          role="progressbar"
          aria-label="Upload progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={`${percent}%`}
          className="h-1.5 flex-1 overflow-hidden rounded-full bg-neutral-200 dark:bg-neutral-800"
        >
          <div className="h-full rounded-full bg-neutral-900 transition-[width] duration-200 dark:bg-white" style={{ width: `${percent}%` }} />
        </div>
        <span className="w-10 text-right text-sm text-neutral-600 tabular-nums dark:text-neutral-400">{percent}%</span>
      </div>
      <div className="flex items-center justify-between gap-3">
        <div className="min-w-0 space-y-0.5">
          <p role="status" className="flex items-center gap-2 text-sm text-neutral-700 dark:text-neutral-300">
            <Spinner size="sm" />
            {state.recordingLive
              ? 'Transcribing while you record…'
              : isUploading(state)
                ? 'Uploading…'
                : state.queuePosition
                  ? `Waiting in line (position ${state.queuePosition})…`
                  : 'Transcribing…'}
          </p>
          {/* Present from the start of the run, so that screen readers announce each new part. */}
          <p role="status" className="text-sm text-neutral-600 tabular-nums dark:text-neutral-400">
            {state.part ? partLabel(state.part) : null}
          </p>
        </div>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </div>
  );
}
