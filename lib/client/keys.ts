import type { HistoryItem } from '@/lib/transcript-details';

export type { HistoryItem };

export const HISTORY_PAGE_SIZE = 20;

export type HistoryFilter = { q?: string; status?: string; source?: string; from?: string; to?: string };

export type HistoryPage = { items: HistoryItem[]; nextCursor: string | null };

/** The query string of a filter, without empty fields: the same filter always gives the same key. */
export function historyFilterQuery(filter: HistoryFilter) {
  const params = new URLSearchParams();
  for (const name of ['q', 'status', 'source', 'from', 'to'] as const) {
    const value = filter[name]?.trim();
    if (value) params.set(name, value);
  }
  return params.toString();
}

/** useSWRInfinite key for a filter: the first page, then each next cursor, until there is none. */
export function historyKeyFor(filter: HistoryFilter) {
  const query = historyFilterQuery(filter);
  const base = `/api/transcriptions?limit=${HISTORY_PAGE_SIZE}${query ? `&${query}` : ''}`;
  return (pageIndex: number, previousPage: HistoryPage | null): string | null => {
    if (pageIndex === 0) return base;
    if (!previousPage?.nextCursor) return null;
    return `${base}&cursor=${encodeURIComponent(previousPage.nextCursor)}`;
  };
}

/** The unfiltered history, which the other pages keep up to date. */
export const historyPageKey = historyKeyFor({});

export function transcriptKey(id: string) {
  return `/api/transcriptions/${encodeURIComponent(id)}`;
}

/**
 * SWR's cache of the unfiltered history. A key-filter `mutate` skips useSWRInfinite's entries, so
 * the infinite key is addressed by its serialised form. Imported on use: the new-transcription
 * page needs nothing else of SWR, and its page load is the lighter for it.
 */
async function historyCache() {
  const [{ mutate }, { unstable_serialize }] = await Promise.all([import('swr'), import('swr/infinite')]);
  return { mutate, key: unstable_serialize(historyPageKey) };
}

/** Marks the history stale. */
export async function revalidateHistory() {
  const { mutate, key } = await historyCache();
  return mutate(key);
}

/** Drops a deleted transcript from the cached history at once, then lets the list refresh. */
export async function removeFromHistory(id: string) {
  const { mutate, key } = await historyCache();
  return mutate<HistoryPage[]>(key, (pages) => pages?.map((page) => ({ ...page, items: page.items.filter((item) => item.id !== id) })), { revalidate: true });
}
