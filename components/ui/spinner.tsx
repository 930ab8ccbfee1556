/** A small spinning ring in the current text colour; decorative (the surrounding text says what happens). */
export function Spinner({ size = 'md', className = '' }: { size?: 'sm' | 'md'; className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={`${size === 'sm' ? 'size-3.5' : 'size-4'} animate-spin rounded-full border-2 border-current border-r-transparent ${className}`}
    />
  );
}
