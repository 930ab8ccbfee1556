import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getSignedInUserId } from '@/app/(auth)/auth';
import { HistoryList } from '@/components/history-list';

export const metadata: Metadata = { title: 'History' };

export default async function HistoryPage() {
  if (!(await getSignedInUserId())) redirect('/sign-in?callbackUrl=%2Fhistory');

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">History</h1>
      <HistoryList />
    </div>
  );
}
