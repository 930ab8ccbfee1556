import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { getSignedInUserId } from '@/app/(auth)/auth';
import { TranscriptView } from '@/components/transcript-view';
import { getShareLinksByTranscriptId } from '@/lib/db/share-links';
import { isTranscriptionConfigured } from '@/lib/engine/target';
import { findOwnedTranscript, getOwnedTranscriptDetails } from '@/lib/owned-transcript';
import { toShareLinkDetails } from '@/lib/transcript-details';

/** The signed-in user's transcript; someone else's is as missing as one that never existed. */
const loadTranscript = cache(async (id: string) => {
  const userId = await getSignedInUserId();
  if (!userId) return { userId: undefined, transcript: undefined };
  return { userId, transcript: await findOwnedTranscript({ id, userId }) };
});

export async function generateMetadata({ params }: PageProps<'/transcripts/[id]'>): Promise<Metadata> {
  const { transcript } = await loadTranscript((await params).id);
  return { title: transcript?.title ?? 'Transcript' };
}

export default async function TranscriptPage({ params }: PageProps<'/transcripts/[id]'>) {
  const { id } = await params;
  const { userId, transcript } = await loadTranscript(id);
  if (!userId) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/transcripts/${encodeURIComponent(id)}`)}`);
  if (!transcript) notFound();

  const [details, links] = await Promise.all([
    getOwnedTranscriptDetails({ transcript, userId }),
    getShareLinksByTranscriptId({ transcriptId: transcript.id, userId }),
  ]);

  return <TranscriptView initial={details} initialLinks={links.map(toShareLinkDetails)} canTranscribe={isTranscriptionConfigured()} />;
}
