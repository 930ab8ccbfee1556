import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';

export const metadata: Metadata = { title: 'Not found', robots: { index: false, follow: false } };

export default function NotFound() {
  return (
    <div className="mx-auto w-full max-w-md px-4 py-16 sm:py-24">
      <p className="text-sm font-medium text-neutral-500 dark:text-neutral-400">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="mt-2 text-neutral-600 dark:text-neutral-400">
        This page does not exist, or you cannot see it. If someone shared a link with you, they may have stopped sharing it.
      </p>
      <div className="mt-6">
        <Link href="/" className={buttonClasses({ variant: 'secondary' })}>
          Go to Verbatim
        </Link>
      </div>
    </div>
  );
}
