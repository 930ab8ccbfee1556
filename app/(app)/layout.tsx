import Link from 'next/link';
import { getSignedInUserId } from '@/app/(auth)/auth';
import { SignOutButton } from '@/components/sign-out-button';
import { Brand } from '@/components/ui/brand';
import { NavLink } from '@/components/ui/nav-link';

export default async function AppLayout({ children }: LayoutProps<'/'>) {
  // Signed out: no app chrome. The page redirects to sign-in itself, with its own path as the
  // callbackUrl; a redirect thrown here would win over the page's and drop that path.
  if (!(await getSignedInUserId())) return children;

  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-10 border-b border-neutral-200 bg-white/85 backdrop-blur dark:border-neutral-800 dark:bg-neutral-950/85">
        <div className="mx-auto flex max-w-3xl flex-wrap items-center gap-x-2 px-4 pt-1 sm:flex-nowrap sm:px-6 sm:py-2">
          <Link href="/" className="order-1 -ml-1 inline-flex min-h-11 items-center rounded-md px-1">
            <Brand />
          </Link>
          <nav aria-label="Main" className="order-3 -mx-1 flex w-full gap-1 pb-1.5 sm:order-2 sm:mx-0 sm:ml-4 sm:w-auto sm:pb-0">
            <NavLink href="/">New transcription</NavLink>
            <NavLink href="/history">History</NavLink>
            <NavLink href="/settings">Settings</NavLink>
          </nav>
          <SignOutButton className="order-2 ml-auto sm:order-3" />
        </div>
      </header>
      <main className="mx-auto w-full max-w-3xl flex-1 px-4 py-6 sm:px-6 sm:py-10">{children}</main>
    </div>
  );
}
