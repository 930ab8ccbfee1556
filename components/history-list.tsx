'use client';

import Link from 'next/link';
import { useEffect, useRef } from 'react';
import useSWRInfinite from 'swr/infinite';
import { Button, buttonClasses } from '@/components/ui/button';
import { Alert } from '@/components/ui/field';
import { StatusBadge } from '@/components/ui/status-badge';
import { fetchJson } from '@/lib/client/fetch-json';
import { formatLength, formatRelativeDate } from '@/lib/client/format';
import { historyPageKey, type HistoryItem, type HistoryPage } from '@/lib/client/keys';

const anyTranscribing = (pages: HistoryPage[] | undefined) => Boolean(pages?.some((page) => page.items.some((item) => item.status === 'transcribing')));

export function HistoryList() {
  const { data, error, size, setSize, isLoading, isValidating, mutate } = useSWRInfinite<HistoryPage>(historyPageKey, fetchJson, {
    refreshInterval: (pages) => (anyTranscribing(pages) ? 2000 : 0),
    // Polls inside the default 2 s deduping window would be skipped.
    dedupingInterval: 1000,
  });
  const sentinelRef = useRef<HTMLDivElement>(null);

  const items = data?.flatMap((page) => page.items) ?? [];
  const hasMore = Boolean(data?.at(-1)?.nextCursor);
  const loadingMore = isValidating && size > (data?.length ?? 0);

  useEffect(() => {
    const sentinel = sentinelRef.current;
    if (!sentinel || !hasMore || loadingMore || error) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) void setSize((current) => current + 1);
      },
      { rootMargin: '400px 0px' },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasMore, loadingMore, error, setSize]);

  if (isLoading) {
    return (
      <div aria-busy="true">
        <p role="status" className="sr-only">
          Loading your transcripts…
        </p>
        <ul aria-hidden="true" className="divide-y divide-neutral-200 rounded-xl border border-neutral-200 dark:divide-neutral-800 dark:border-neutral-800">
          {[0, 1, 2, 3].map((row) => (
            <li key={row} className="space-y-2.5 p-4 motion-safe:animate-pulse">
              <div className="h-4 w-2/5 rounded bg-neutral-200 dark:bg-neutral-800" />
              <div className="h-3 w-1/4 rounded bg-neutral-200 dark:bg-neutral-800" />
              <div className="h-3 w-4/5 rounded bg-neutral-100 dark:bg-neutral-900" />
            </li>
          ))}
        </ul>
      </div>
    );
  }

  if (!data) {
    return (
      <Alert className="flex flex-wrap items-center justify-between gap-3">
        <span>Your transcripts could not be loaded. {error instanceof Error ? error.message : ''}</span>
        <Button onClick={() => void mutate()}>Retry</Button>
      </Alert>
    );
  }

  if (items.length === 0) {
    return (
      <div className="rounded-xl border border-dashed border-neutral-300 px-6 py-12 text-center dark:border-neutral-700">
        <p className="font-medium">No transcripts yet</p>
        <p className="mt-1 text-sm text-neutral-600 dark:text-neutral-400">Your transcripts appear here once you have uploaded a recording.</p>
        <Link href="/" className={buttonClasses({ variant: 'primary', className: 'mt-5' })}>
          Transcribe your first recording
        </Link>
      </div>
    );
  }

  return (
    <div className="space-y-4">
      <ul aria-label="Transcripts" className="divide-y divide-neutral-200 overflow-hidden rounded-xl border border-neutral-200 dark:divide-neutral-800 dark:border-neutral-800">
        {items.map((item) => (
          <HistoryRow key={item.id} item={item} />
        ))}
      </ul>

      {error ? (
        <Alert className="flex flex-wrap items-center justify-between gap-3">
          <span>More transcripts could not be loaded. {error instanceof Error ? error.message : ''}</span>
          <Button onClick={() => void mutate()}>Retry</Button>
        </Alert>
      ) : null}

      <div ref={sentinelRef} />
      {hasMore ? (
        <div className="flex justify-center">
          <Button onClick={() => void setSize(size + 1)} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </Button>
        </div>
      ) : null}
    </div>
  );
}

function HistoryRow({ item }: { item: HistoryItem }) {
  const length = formatLength(item);
  const detail = item.status === 'failed' ? item.errorMessage : item.preview;
  return (
    <li className="relative transition-colors hover:bg-neutral-50 has-[a:focus-visible]:bg-neutral-50 dark:hover:bg-neutral-900/60 dark:has-[a:focus-visible]:bg-neutral-900/60">
      <div className="flex min-w-0 flex-col gap-1 p-4">
        <div className="flex items-start justify-between gap-3">
          <Link
            href={`/transcripts/${item.id}`}
            className="min-w-0 font-medium break-words after:absolute after:inset-0 after:content-[''] focus-visible:outline-none focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-blue-500"
          >
            {item.title}
          </Link>
          <StatusBadge status={item.status} className="mt-0.5 shrink-0" />
        </div>
        <p className="text-xs text-neutral-500 dark:text-neutral-400">
          <time dateTime={item.createdAt}>{formatRelativeDate(item.createdAt)}</time>
          {length ? <span> · {length}</span> : null}
        </p>
        {detail ? (
          <p className={`text-sm ${item.status === 'failed' ? 'line-clamp-2 text-red-700 dark:text-red-300' : 'truncate text-neutral-600 dark:text-neutral-400'}`}>{detail}</p>
        ) : null}
      </div>
    </li>
  );
}
