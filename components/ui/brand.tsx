/** The Verbatim mark: a few bars of a waveform. Decorative; the word beside it names the app. */
export function BrandMark({ className = 'size-5' }: { className?: string }) {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" className={className} fill="currentColor">
      <rect x="2" y="8" width="2.2" height="4" rx="1.1" />
      <rect x="6" y="5" width="2.2" height="10" rx="1.1" />
      <rect x="10" y="2" width="2.2" height="16" rx="1.1" />
      <rect x="14" y="6" width="2.2" height="8" rx="1.1" />
    </svg>
  );
}

export function Brand() {
  return (
    <span className="inline-flex items-center gap-2 font-semibold tracking-tight">
      <BrandMark />
      Verbatim
    </span>
  );
}
