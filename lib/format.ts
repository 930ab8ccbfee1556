/** Display formats shared by the owner's pages, exports and the public share page: pure, for server and browser alike. */

export function formatDuration(totalSeconds: number) {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${String(m).padStart(2, '0')}:${s}`;
}

/** Decimal units, as the 25 MB limit is written; a no-break space keeps the unit with its number. */
export function formatBytes(bytes: number, space = '\u00a0') {
  if (bytes < 1_000) return `${bytes}${space}B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1_000)}${space}KB`;
  return `${Number((bytes / 1_000_000).toFixed(1))}${space}MB`;
}

/** Duration when known, else the size of the audio; undefined when neither is known yet. */
export function formatLength({ durationSeconds, audioBytes }: { durationSeconds: number | null; audioBytes: number }) {
  if (durationSeconds !== null) return formatDuration(durationSeconds);
  return audioBytes > 0 ? formatBytes(audioBytes) : undefined;
}

type DateOptions = { timeZone?: string; locale?: string; now?: Date };

function dayKey(date: Date, timeZone: string | undefined) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** "Today, 14:05", "Yesterday, 09:12", "12 Mar, 14:05", or "12 Mar 2024" for other years. */
export function formatRelativeDate(iso: string, { timeZone, locale, now = new Date() }: DateOptions = {}) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: 'numeric', minute: '2-digit' }).format(date);
  const yesterday = new Date(now.getTime() - 86_400_000);
  const day = dayKey(date, timeZone);
  if (day === dayKey(now, timeZone)) return `Today, ${time}`;
  if (day === dayKey(yesterday, timeZone)) return `Yesterday, ${time}`;
  if (day.slice(0, 4) === dayKey(now, timeZone).slice(0, 4)) {
    return `${new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'short' }).format(date)}, ${time}`;
  }
  return new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'short', year: 'numeric' }).format(date);
}

/** "12 March 2026 at 14:05" in the given (or the runtime's) locale and zone. */
export function formatDateTime(iso: string, { timeZone, locale }: DateOptions = {}) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'long', timeStyle: 'short' }).format(date);
}

/** "12 March 2026": the day only, for pages rendered where the reader's zone is unknown. */
export function formatDay(iso: string, { timeZone, locale }: DateOptions = {}) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'long' }).format(date);
}

/** A file name for a download: no path separators, control or reserved characters. */
export function safeFileName(title: string, extension: string) {
  const stem = title
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 100)
    .trim();
  return `${stem || 'transcript'}.${extension}`;
}
