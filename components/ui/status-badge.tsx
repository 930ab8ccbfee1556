import type { TranscriptStatus } from '@/lib/db/schema';

const looks: Record<TranscriptStatus | 'paused', { label: string; className: string; dot: string }> = {
  transcribing: {
    label: 'Transcribing',
    className: 'bg-blue-50 text-blue-700 ring-blue-200 dark:bg-blue-950/50 dark:text-blue-300 dark:ring-blue-900',
    dot: 'bg-blue-500 motion-safe:animate-pulse',
  },
  done: {
    label: 'Done',
    className: 'bg-emerald-50 text-emerald-700 ring-emerald-200 dark:bg-emerald-950/50 dark:text-emerald-300 dark:ring-emerald-900',
    dot: 'bg-emerald-500',
  },
  failed: {
    label: 'Failed',
    className: 'bg-red-50 text-red-700 ring-red-200 dark:bg-red-950/50 dark:text-red-300 dark:ring-red-900',
    dot: 'bg-red-500',
  },
  paused: {
    label: 'Paused',
    className: 'bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950/50 dark:text-amber-300 dark:ring-amber-900',
    dot: 'bg-amber-500',
  },
  cancelled: {
    label: 'Cancelled',
    className: 'bg-neutral-100 text-neutral-700 ring-neutral-200 dark:bg-neutral-800 dark:text-neutral-300 dark:ring-neutral-700',
    dot: 'bg-neutral-400',
  },
};

/** `paused`: failed only because its upload stopped growing, and going on when it grows again. */
export function StatusBadge({ status, paused = false, className = '' }: { status: TranscriptStatus; paused?: boolean; className?: string }) {
  const look = looks[paused ? 'paused' : status];
  return (
    <span className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${look.className} ${className}`}>
      <span aria-hidden="true" className={`size-1.5 rounded-full ${look.dot}`} />
      {look.label}
    </span>
  );
}
