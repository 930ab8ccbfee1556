import { splitMarked } from '@/lib/search-marks';

/** Text with its search matches highlighted; rendered as text, whatever the text contains. */
export function MarkedText({ marked }: { marked: string }) {
  return splitMarked(marked).map((part, index) =>
    part.match ? (
      <mark key={index} className="rounded-sm bg-amber-200 px-0.5 text-inherit dark:bg-amber-500/40">
        {part.text}
      </mark>
    ) : (
      part.text
    ),
  );
}
