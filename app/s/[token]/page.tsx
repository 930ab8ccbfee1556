import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { cache } from 'react';
import { BrandMark } from '@/components/ui/brand';
import { formatDay, formatDuration } from '@/lib/client/format';
import { getSharedTranscriptByTokenHash } from '@/lib/db/queries';
import { languageName } from '@/lib/languages';
import { hashShareToken, shareTokenPattern } from '@/lib/share-token';

/** One lookup (and one recorded view) per request, shared by the metadata and the page. */
const loadShared = cache(async (token: string) => {
  if (!shareTokenPattern.test(token)) return undefined;
  return getSharedTranscriptByTokenHash({ tokenHash: hashShareToken(token) });
});

const robots = { index: false, follow: false } as const;

export async function generateMetadata({ params }: PageProps<'/s/[token]'>): Promise<Metadata> {
  await connection();
  const shared = await loadShared((await params).token);
  return { title: shared?.title ?? 'Shared transcript', robots, referrer: 'no-referrer' };
}

/** A shared transcript, read-only and readable without JavaScript. Never shows who owns it. */
export default async function SharedTranscriptPage({ params }: PageProps<'/s/[token]'>) {
  // Rendered per request: a cached copy would outlive "Stop sharing".
  await connection();
  const shared = await loadShared((await params).token);
  if (!shared) notFound();

  const meta = [
    formatDay(shared.created_at, { timeZone: 'UTC', locale: 'en' }),
    shared.language ? languageName(shared.language) : undefined,
    shared.duration_seconds !== null ? formatDuration(shared.duration_seconds) : undefined,
  ].filter(Boolean);

  return (
    <div className="mx-auto flex min-h-dvh w-full max-w-2xl flex-col px-4 sm:px-6">
      <main className="flex-1 py-8 sm:py-14">
        <article>
          <header>
            <h1 className="text-2xl font-semibold tracking-tight break-words sm:text-3xl">{shared.title}</h1>
            <p className="mt-2 text-sm text-neutral-600 dark:text-neutral-400">
              <time dateTime={shared.created_at}>{meta[0]}</time>
              {meta.slice(1).map((part) => (
                <span key={part}>
                  <span aria-hidden="true"> · </span>
                  {part}
                </span>
              ))}
            </p>
          </header>
          {shared.status === 'transcribing' ? (
            <p className="mt-6 rounded-lg border border-blue-200 bg-blue-50 px-3 py-2.5 text-sm text-blue-900 dark:border-blue-900/60 dark:bg-blue-950/40 dark:text-blue-100">
              Still transcribing — reload for more
            </p>
          ) : null}
          {shared.status === 'failed' || shared.status === 'cancelled' ? (
            <p className="mt-6 rounded-lg border border-neutral-200 bg-neutral-50 px-3 py-2.5 text-sm text-neutral-700 dark:border-neutral-800 dark:bg-neutral-900 dark:text-neutral-300">
              This transcription did not finish; the text may be incomplete.
            </p>
          ) : null}
          <div className="mt-8 text-base leading-7 break-words whitespace-pre-wrap sm:text-[1.0625rem] sm:leading-8">
            {shared.text || <span className="text-neutral-500 dark:text-neutral-400">No text yet.</span>}
          </div>
        </article>
      </main>
      <footer className="flex items-center gap-2 border-t border-neutral-200 py-6 text-xs text-neutral-500 dark:border-neutral-800 dark:text-neutral-400">
        <BrandMark className="size-3.5" />
        Shared with Verbatim
      </footer>
    </div>
  );
}
