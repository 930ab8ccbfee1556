import type { Metadata, Viewport } from 'next';
import { ServiceWorkerRegistration } from '@/components/service-worker-registration';
import { headers } from 'next/headers';
import './globals.css';

export const metadata: Metadata = {
  title: { template: '%s · Verbatim', default: 'Verbatim' },
  description: 'Upload a recording and watch its transcript appear, word by word.',
  applicationName: 'Verbatim',
  icons: { apple: '/apple-touch-icon.png' },
  appleWebApp: { capable: true, title: 'Verbatim', statusBarStyle: 'default' },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  colorScheme: 'light dark',
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#0a0a0a' },
  ],
};

export default async function RootLayout({ children }: LayoutProps<'/'>) {
  // Reading the request renders every page per request: Next can then put this request's CSP
  // nonce (proxy.ts) on its scripts. A page prerendered at build time would carry none.
  await headers();
  return (
    <html lang="en">
      <body className="min-h-dvh font-sans">
        {children}
        <ServiceWorkerRegistration />
      </body>
    </html>
  );
}
