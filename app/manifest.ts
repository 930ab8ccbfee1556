import type { MetadataRoute } from 'next';
import { ACCEPTED_AUDIO_EXTENSIONS } from '@/lib/audio/format';

export default function manifest(): MetadataRoute.Manifest {
  return {
    id: '/',
    name: 'Verbatim',
    short_name: 'Verbatim',
    description: 'Record or upload audio and watch its transcript appear, word by word.',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    orientation: 'portrait',
    background_color: '#ffffff',
    theme_color: '#111111',
    icons: [
      { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
    // Received by the service worker (public/sw.js), which opens the main page with the file chosen.
    share_target: {
      action: '/share-target',
      method: 'POST',
      enctype: 'multipart/form-data',
      params: { files: [{ name: 'audio', accept: ['audio/*', ...ACCEPTED_AUDIO_EXTENSIONS.map((extension) => `.${extension}`)] }] },
    },
  };
}
