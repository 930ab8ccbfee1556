/** Shared looks of form controls; text-base below `sm` keeps iOS from zooming into a focused field. */
export const inputClasses =
  'block min-h-11 w-full rounded-lg border border-neutral-300 bg-white px-3 py-2 text-base text-neutral-900 shadow-xs placeholder:text-neutral-400 disabled:opacity-60 aria-invalid:border-red-500 sm:text-sm dark:border-neutral-700 dark:bg-neutral-900 dark:text-neutral-100 dark:placeholder:text-neutral-500 dark:aria-invalid:border-red-400';

export const labelClasses = 'block text-sm font-medium text-neutral-900 dark:text-neutral-100';

/**
 * Secondary text. Neutral-500 reaches WCAG AA (4.5:1) only on light backgrounds: on the dark
 * page and cards it falls below 4:1, so the dark scheme takes neutral-400.
 */
export const mutedTextClasses = 'text-neutral-500 dark:text-neutral-400';

export const hintClasses = `text-sm ${mutedTextClasses}`;

export const fieldErrorClasses = 'text-sm text-red-600 dark:text-red-400';

export function Alert({ children, className = '' }: { children: React.ReactNode; className?: string }) {
  return (
    <div
      role="alert"
      className={`rounded-lg border border-red-200 bg-red-50 px-3 py-2.5 text-sm text-red-800 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-200 ${className}`}
    >
      {children}
    </div>
  );
}
