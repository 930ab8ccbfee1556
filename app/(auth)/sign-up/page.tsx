import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getSignedInUserId } from '@/app/(auth)/auth';
import { AuthForm } from '@/components/auth-form';
import { Brand } from '@/components/ui/brand';

export const metadata: Metadata = { title: 'Create your account' };

export default async function SignUpPage() {
  if (await getSignedInUserId()) redirect('/');

  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-sm flex-col justify-center px-4 py-10">
      <Brand />
      <h1 className="mt-8 text-2xl font-semibold tracking-tight">Create your account</h1>
      <p className="mt-1 text-sm text-neutral-600 dark:text-neutral-400">Transcribe recordings and keep every transcript in one place.</p>
      <div className="mt-8">
        <AuthForm mode="sign-up" />
      </div>
      <p className="mt-8 text-sm text-neutral-600 dark:text-neutral-400">
        Already have an account?{' '}
        <Link href="/sign-in" className="inline-block py-2 font-medium text-neutral-900 underline underline-offset-4 dark:text-white">
          Sign in
        </Link>
      </p>
    </main>
  );
}
