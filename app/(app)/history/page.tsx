import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getSignedInUserId } from '@/app/(auth)/auth';
import { HistoryList } from '@/components/history-list';

export const metadata: Metadata = { title: 'History' };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';

export default async function HistoryPage({ searchParams }: PageProps<'/history'>) {
  if (!(await getSignedInUserId())) redirect('/sign-in?callbackUrl=%2Fhistory');
  const params = await searchParams;

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">History</h1>
      <HistoryList initialFilter={{ q: first(params.q), status: first(params.status), source: first(params.source), from: first(params.from), to: first(params.to) }} />
    </div>
  );
}
