'use client';

import Link from 'next/link';
import { useEffect, useMemo, useRef, useState } from 'react';
import useSWRInfinite from 'swr/infinite';
import { Button, buttonClasses } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Alert, inputClasses, labelClasses } from '@/components/ui/field';
import { MarkedText } from '@/components/ui/marked-text';
import { StatusBadge } from '@/components/ui/status-badge';
import { fetchJson, request } from '@/lib/client/fetch-json';
import { formatLength, formatRelativeDate } from '@/lib/format';
import { historyFilterQuery, historyKeyFor, revalidateHistory, type HistoryFilter, type HistoryItem, type HistoryPage } from '@/lib/client/keys';
import { describeSource } from '@/lib/transcript-details';

const anyTranscribing = (pages: HistoryPage[] | undefined) => Boolean(pages?.some((page) => page.items.some((item) => item.status === 'transcribing')));
const errorMessage = (error: unknown) => (error instanceof Error ? error.message : 'Something went wrong. Please try again.');
const SEARCH_DEBOUNCE_MS = 150;

const STATUS_OPTIONS = [
  ['', 'Any status'],
  ['done', 'Done'],
  ['transcribing', 'Transcribing'],
  ['failed', 'Failed'],
  ['cancelled', 'Cancelled'],
] as const;

const SOURCE_OPTIONS = [
  ['', 'Any source'],
  ['upload', 'Uploaded file'],
  ['recording', 'Recording'],
  ['api', 'API'],
] as const;

/** Uploads are the usual case and get no label. */
const sourceLabel = (source: HistoryItem['source']) => (source.kind === 'upload' ? null : describeSource(source));

export function HistoryList({ initialFilter }: { initialFilter: HistoryFilter }) {
  const [search, setSearch] = useState(initialFilter.q ?? '');
  const [debouncedSearch, setDebouncedSearch] = useState(search);
  const [status, setStatus] = useState(initialFilter.status ?? '');
  const [source, setSource] = useState(initialFilter.source ?? '');
  const [from, setFrom] = useState(initialFilter.from ?? '');
  const [to, setTo] = useState(initialFilter.to ?? '');
  const filter = useMemo(() => ({ q: debouncedSearch, status, source, from, to }), [debouncedSearch, status, source, from, to]);
  const filtered = historyFilterQuery(filter) !== '';

  useEffect(() => {
    const timer = setTimeout(() => setDebouncedSearch(search), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search]);

  // The filter lives in the address too, so that coming back from a transcript restores it.
  useEffect(() => {
    const query = historyFilterQuery(filter);
    window.history.replaceState(window.history.state, '', query ? `?${query}` : window.location.pathname);
  }, [filter]);

  const getKey = useMemo(() => historyKeyFor(filter), [filter]);
  const { data, error, size, setSize, isLoading, isValidating, mutate } = useSWRInfinite<HistoryPage>(getKey, fetchJson, {
    refreshInterval: (pages) => (anyTranscribing(pages) ? 2000 : 0),
    // Polls inside the default 2 s deduping window would be skipped.
    dedupingInterval: 1000,
    keepPreviousData: true,
  });
  const sentinelRef = useRef<HTMLDivElement>(null);
  const [selecting, setSelecting] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

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

  function clearFilters() {
    setSearch('');
    setDebouncedSearch('');
    setStatus('');
    setSource('');
    setFrom('');
    setTo('');
  }

  function toggle(id: string) {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  function stopSelecting() {
    setSelecting(false);
    setSelected(new Set());
  }

  async function rename(id: string, title: string) {
    await request(`/api/transcriptions/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title }),
    });
    await mutate((pages) => pages?.map((page) => ({ ...page, items: page.items.map((item) => (item.id === id ? { ...item, title, titleMarked: null } : item)) })), {
      revalidate: false,
    });
    if (filtered) void revalidateHistory();
  }

  async function deleteSelected() {
    const ids = [...selected];
    const response = await request('/api/transcriptions', {
      method: 'DELETE',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ids }),
    });
    const { deleted } = (await response.json()) as { deleted: string[] };
    const gone = new Set(deleted);
    await mutate((pages) => pages?.map((page) => ({ ...page, items: page.items.filter((item) => !gone.has(item.id)) })), { revalidate: true });
    if (filtered) void revalidateHistory();
    stopSelecting();
  }

  return (
    <div className="space-y-4">
      <search className="block space-y-3" aria-label="Find transcripts">
        <div>
          <label htmlFor="history-search" className="sr-only">
            Search transcripts
          </label>
          <input
            id="history-search"
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            placeholder="Search titles and text"
            autoComplete="off"
            enterKeyHint="search"
            className={inputClasses}
          />
        </div>
        <div className="grid grid-cols-2 gap-2 sm:grid-cols-[1fr_1fr_1fr_1fr_auto] sm:items-end">
          <div className="min-w-0">
            <label htmlFor="history-status" className={labelClasses}>
              Status
            </label>
            <select id="history-status" value={status} onChange={(event) => setStatus(event.target.value)} className={`${inputClasses} mt-1`}>
              {STATUS_OPTIONS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div className="min-w-0">
            <label htmlFor="history-source" className={labelClasses}>
              Source
            </label>
            <select id="history-source" value={source} onChange={(event) => setSource(event.target.value)} className={`${inputClasses} mt-1`}>
              {SOURCE_OPTIONS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div className="min-w-0">
            <label htmlFor="history-from" className={labelClasses}>
              From
            </label>
            <input id="history-from" type="date" value={from} max={to || undefined} onChange={(event) => setFrom(event.target.value)} className={`${inputClasses} mt-1`} />
          </div>
          <div className="min-w-0">
            <label htmlFor="history-to" className={labelClasses}>
              To
            </label>
            <input id="history-to" type="date" value={to} min={from || undefined} onChange={(event) => setTo(event.target.value)} className={`${inputClasses} mt-1`} />
          </div>
          {filtered || search ? (
            <Button variant="ghost" className="col-span-2 sm:col-span-1" onClick={clearFilters}>
              Clear filters
            </Button>
          ) : null}
        </div>
      </search>

      <p role="status" className="sr-only">
        {isValidating && !loadingMore ? 'Searching…' : filtered && data ? `${items.length}${hasMore ? '+' : ''} transcripts found` : ''}
      </p>

      {isLoading ? (
        <div aria-busy="true">
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
      ) : !data ? (
        <Alert className="flex flex-wrap items-center justify-between gap-3">
          <span>Your transcripts could not be loaded. {errorMessage(error)}</span>
          <Button onClick={() => void mutate()}>Retry</Button>
        </Alert>
      ) : items.length === 0 ? (
        filtered ? (
          <div className="rounded-xl border border-dashed border-neutral-300 px-6 py-12 text-center dark:border-neutral-700">
            <p className="font-medium">No transcripts match</p>
            <p className="mt-1 text-sm text-neutral-600 dark:text-neutral-400">Try other words, or clear the filters.</p>
            <Button className="mt-5" onClick={clearFilters}>
              Clear filters
            </Button>
          </div>
        ) : (
          <div className="rounded-xl border border-dashed border-neutral-300 px-6 py-12 text-center dark:border-neutral-700">
            <p className="font-medium">No transcripts yet</p>
            <p className="mt-1 text-sm text-neutral-600 dark:text-neutral-400">Your transcripts appear here once you have uploaded a recording.</p>
            <Link href="/" className={buttonClasses({ variant: 'primary', className: 'mt-5' })}>
              Transcribe your first recording
            </Link>
          </div>
        )
      ) : (
        <>
          <SelectionBar
            selecting={selecting}
            selectedCount={selected.size}
            onStart={() => setSelecting(true)}
            onCancel={stopSelecting}
            onSelectAll={() => setSelected(new Set(items.map((item) => item.id)))}
            onDelete={deleteSelected}
          />
          <ul aria-label="Transcripts" className="divide-y divide-neutral-200 overflow-hidden rounded-xl border border-neutral-200 dark:divide-neutral-800 dark:border-neutral-800">
            {items.map((item) => (
              <HistoryRow key={item.id} item={item} selecting={selecting} selected={selected.has(item.id)} onToggle={() => toggle(item.id)} onRename={rename} />
            ))}
          </ul>
        </>
      )}

      {data && error ? (
        <Alert className="flex flex-wrap items-center justify-between gap-3">
          <span>More transcripts could not be loaded. {errorMessage(error)}</span>
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

function SelectionBar({
  selecting,
  selectedCount,
  onStart,
  onCancel,
  onSelectAll,
  onDelete,
}: {
  selecting: boolean;
  selectedCount: number;
  onStart: () => void;
  onCancel: () => void;
  onSelectAll: () => void;
  onDelete: () => Promise<void>;
}) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  if (!selecting) {
    return (
      <div className="flex justify-end">
        <Button variant="ghost" onClick={onStart}>
          Select
        </Button>
      </div>
    );
  }

  async function confirmDelete() {
    setDeleting(true);
    setDeleteError(null);
    try {
      await onDelete();
      dialogRef.current?.close();
    } catch (error) {
      setDeleteError(errorMessage(error));
    } finally {
      setDeleting(false);
    }
  }

  return (
    <div className="sticky top-0 z-20 flex flex-wrap items-center gap-2 rounded-xl border border-neutral-200 bg-white/95 p-2 backdrop-blur dark:border-neutral-800 dark:bg-neutral-950/95">
      <span className="px-2 text-sm font-medium" aria-live="polite">
        {selectedCount} selected
      </span>
      <Button variant="ghost" onClick={onSelectAll}>
        Select all
      </Button>
      <div className="ml-auto flex gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          variant="danger"
          disabled={selectedCount === 0}
          onClick={() => {
            setDeleteError(null);
            dialogRef.current?.showModal();
          }}
        >
          Delete
        </Button>
      </div>
      <ConfirmDialog
        dialogRef={dialogRef}
        title={`Delete ${selectedCount === 1 ? 'this transcript' : `${selectedCount} transcripts`}?`}
        description="Their text, audio and share links will be deleted. This cannot be undone."
        error={deleteError}
        busy={deleting}
        cancelLabel="Keep them"
        confirmLabel={`Delete ${selectedCount === 1 ? 'transcript' : 'transcripts'}`}
        onConfirm={() => void confirmDelete()}
      />
    </div>
  );
}

function HistoryRow({
  item,
  selecting,
  selected,
  onToggle,
  onRename,
}: {
  item: HistoryItem;
  selecting: boolean;
  selected: boolean;
  onToggle: () => void;
  onRename: (id: string, title: string) => Promise<void>;
}) {
  const [renaming, setRenaming] = useState(false);
  const length = formatLength(item);
  const origin = sourceLabel(item.source);
  const detail = item.status === 'failed' ? item.errorMessage : item.preview;

  return (
    <li className="relative flex items-start gap-1 transition-colors hover:bg-neutral-50 has-[a:focus-visible]:bg-neutral-50 dark:hover:bg-neutral-900/60 dark:has-[a:focus-visible]:bg-neutral-900/60">
      {selecting ? (
        <label className="relative z-10 flex min-h-11 min-w-11 shrink-0 cursor-pointer items-center justify-center self-stretch pl-2">
          <input type="checkbox" checked={selected} onChange={onToggle} aria-label={`Select ${item.title}`} className="size-5 accent-neutral-900 dark:accent-white" />
        </label>
      ) : null}
      <div className="flex min-w-0 flex-1 flex-col gap-1 p-4">
        {renaming ? (
          <RenameForm item={item} onDone={() => setRenaming(false)} onRename={onRename} />
        ) : (
          <div className="flex items-start justify-between gap-3">
            <Link
              href={`/transcripts/${item.id}`}
              className="min-w-0 font-medium break-words after:absolute after:inset-0 after:content-[''] focus-visible:outline-none focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-blue-500"
            >
              {item.titleMarked ? <MarkedText marked={item.titleMarked} /> : item.title}
            </Link>
            <StatusBadge status={item.status} paused={item.paused} className="mt-0.5 shrink-0" />
          </div>
        )}
        <p className="text-xs text-neutral-500 dark:text-neutral-400">
          <time dateTime={item.createdAt}>{formatRelativeDate(item.createdAt)}</time>
          {length ? <span> · {length}</span> : null}
          {origin ? <span className="break-words"> · {origin}</span> : null}
          {item.editedAt ? <span> · Edited</span> : null}
        </p>
        {item.snippet ? (
          <p className="line-clamp-3 text-sm text-neutral-600 dark:text-neutral-400">
            <MarkedText marked={item.snippet} />
          </p>
        ) : detail ? (
          <p
            className={`text-sm ${
              item.paused
                ? 'line-clamp-2 text-amber-800 dark:text-amber-300'
                : item.status === 'failed'
                  ? 'line-clamp-2 text-red-700 dark:text-red-300'
                  : 'truncate text-neutral-600 dark:text-neutral-400'
            }`}
          >
            {detail}
          </p>
        ) : null}
      </div>
      {!renaming && !selecting ? (
        <Button variant="ghost" className="relative z-10 mt-2 mr-2 min-w-11 px-3" aria-label={`Rename ${item.title}`} onClick={() => setRenaming(true)}>
          <svg viewBox="0 0 16 16" aria-hidden="true" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.5">
            <path d="M10.5 3.5l2 2L6 12H4v-2l6.5-6.5z" strokeLinejoin="round" />
          </svg>
        </Button>
      ) : null}
    </li>
  );
}

function RenameForm({ item, onDone, onRename }: { item: HistoryItem; onDone: () => void; onRename: (id: string, title: string) => Promise<void> }) {
  const [title, setTitle] = useState(item.title);
  const [saving, setSaving] = useState(false);
  const [renameError, setRenameError] = useState<string | null>(null);

  async function save() {
    const trimmed = title.trim();
    if (!trimmed || trimmed === item.title) return onDone();
    setSaving(true);
    setRenameError(null);
    try {
      await onRename(item.id, trimmed);
      onDone();
    } catch (error) {
      setRenameError(errorMessage(error));
      setSaving(false);
    }
  }

  return (
    <form
      className="relative z-10 space-y-2"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label htmlFor={`rename-${item.id}`} className="sr-only">
        Title
      </label>
      <input
        id={`rename-${item.id}`}
        value={title}
        maxLength={200}
        autoFocus
        onFocus={(event) => event.currentTarget.select()}
        onChange={(event) => setTitle(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onDone();
        }}
        className={inputClasses}
      />
      {renameError ? <Alert>{renameError}</Alert> : null}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={saving}>
          Save
        </Button>
        <Button onClick={onDone} disabled={saving}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
