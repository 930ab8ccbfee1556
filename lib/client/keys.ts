import { mutate } from 'swr';
import { unstable_serialize } from 'swr/infinite';
import type { TranscriptStatus } from '@/lib/db/schema';

export const HISTORY_PAGE_SIZE = 20;

/** One row of GET /api/transcriptions. */
export type HistoryItem = {
  id: string;
  title: string;
  status: TranscriptStatus;
  createdAt: string;
  audioBytes: number;
  durationSeconds: number | null;
  preview: string;
  errorMessage: string | null;
};

export type HistoryPage = { items: HistoryItem[]; nextCursor: string | null };

/** useSWRInfinite key: the first page, then each next cursor, until there is none. */
export function historyPageKey(pageIndex: number, previousPage: HistoryPage | null): string | null {
  const base = `/api/transcriptions?limit=${HISTORY_PAGE_SIZE}`;
  if (pageIndex === 0) return base;
  if (!previousPage?.nextCursor) return null;
  return `${base}&cursor=${encodeURIComponent(previousPage.nextCursor)}`;
}

export function transcriptKey(id: string) {
  return `/api/transcriptions/${encodeURIComponent(id)}`;
}

/**
 * Marks the history stale. A key-filter `mutate` skips useSWRInfinite's cache entries, so the
 * infinite key is addressed by its serialised form.
 */
export function revalidateHistory() {
  return mutate(unstable_serialize(historyPageKey));
}

/** Drops a deleted transcript from the cached history at once, then lets the list refresh. */
export function removeFromHistory(id: string) {
  return mutate<HistoryPage[]>(
    unstable_serialize(historyPageKey),
    (pages) => pages?.map((page) => ({ ...page, items: page.items.filter((item) => item.id !== id) })),
    { revalidate: true },
  );
}
