'use client';

import { useSyncExternalStore } from 'react';
import { formatDateTime, formatDay } from '@/lib/format';

const subscribe = () => () => {};

/**
 * A date in the reader's own time zone and locale. The server does not know either, so the
 * server render (and hydration) shows the UTC day, and the browser then fills in its own.
 */
export function LocalDate({ iso, className }: { iso: string; className?: string }) {
  const inBrowser = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  return (
    <time dateTime={iso} className={className}>
      {inBrowser ? formatDateTime(iso) : formatDay(iso, { timeZone: 'UTC', locale: 'en' })}
    </time>
  );
}
