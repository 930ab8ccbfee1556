import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { cache } from 'react';
import { SharedLiveText } from '@/components/shared-live-text';
import { BrandMark } from '@/components/ui/brand';
import { formatDay, formatDuration } from '@/lib/client/format';
import { languageName } from '@/lib/languages';
import { findSharedTranscript } from '@/lib/share-token';

/** One lookup (and one recorded view) per request, shared by the metadata and the page. */
const loadShared = cache((token: string) => findSharedTranscript({ token, recordView: true }));

const robots = { index: false, follow: false } as const;

/** About the first 160 characters, cut at a word. */
function previewOf(text: string) {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= 160) return flat;
  const cut = flat.slice(0, 160);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 100 ? cut.lastIndexOf(' ') : 160)}…`;
}

export async function generateMetadata({ params }: PageProps<'/s/[token]'>): Promise<Metadata> {
  await connection();
  const shared = await loadShared((await params).token);
  if (!shared) return { title: 'Not found', robots, referrer: 'no-referrer' };
  const description = previewOf(shared.text) || 'A transcript shared with Verbatim.';
  return {
    title: shared.title,
    description,
    robots,
    referrer: 'no-referrer',
    openGraph: { title: shared.title, description, type: 'article', siteName: 'Verbatim' },
    twitter: { card: 'summary_large_image', title: shared.title, description },
  };
}

/** A shared transcript, read-only and readable without JavaScript. Never shows who owns it. */
export default async function SharedTranscriptPage({ params }: PageProps<'/s/[token]'>) {
  // Rendered per request: a cached copy would outlive a revoked or expired link.
  await connection();
  const { token } = await params;
  const shared = await loadShared(token);
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
          {shared.include_audio ? (
            <audio controls aria-label="Recording" src={`/api/share/${encodeURIComponent(token)}/audio`} preload="none" className="mt-6 w-full" />
          ) : null}
          {shared.status === 'transcribing' ? (
            <>
              <noscript>
                <p className="mt-6 text-sm text-neutral-600 dark:text-neutral-400">Still transcribing — reload for more.</p>
              </noscript>
              <SharedLiveText token={token} initialText={shared.text} />
            </>
          ) : (
            <>
              {shared.status === 'failed' || shared.status === 'cancelled' ? (
                <p className="mt-6 rounded-lg border border-neutral-200 bg-neutral-50 px-3 py-2.5 text-sm text-neutral-700 dark:border-neutral-800 dark:bg-neutral-900 dark:text-neutral-300">
                  This transcription did not finish; the text may be incomplete.
                </p>
              ) : null}
              <div
                role="region"
                aria-label="Transcript text"
                className="mt-8 text-base leading-7 break-words whitespace-pre-wrap sm:text-[1.0625rem] sm:leading-8"
              >
                {shared.text || <span className="text-neutral-500 dark:text-neutral-400">No text was recognised.</span>}
              </div>
            </>
          )}
        </article>
      </main>
      <footer className="flex items-center gap-2 border-t border-neutral-200 py-6 text-xs text-neutral-500 dark:border-neutral-800 dark:text-neutral-400">
        <BrandMark className="size-3.5" />
        Shared with Verbatim
      </footer>
    </div>
  );
}
