import 'server-only';

import { formatDay, formatDuration } from '@/lib/format';
import { Html, html } from '@/lib/html';
import { languageName } from '@/lib/languages';
import type { findSharedTranscript } from '@/lib/share-token';
import { followSharedTranscript } from './live-follow';

type Shared = NonNullable<Awaited<ReturnType<typeof findSharedTranscript>>>;

// The app's look (Tailwind's neutral and blue), written out: this document loads no stylesheet.
const STYLE = Html.trusted(`
*,::before,::after{box-sizing:border-box;margin:0}
:root{color-scheme:light dark;-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font-family:ui-sans-serif,system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;line-height:1.5;background:#fff;color:#171717;-webkit-font-smoothing:antialiased}
.page{display:flex;flex-direction:column;min-height:100dvh;max-width:42rem;margin:0 auto;padding:0 1rem}
main{flex:1;padding:2rem 0}
h1{font-size:1.5rem;line-height:2rem;font-weight:600;letter-spacing:-.025em;overflow-wrap:break-word}
.meta+h1{margin-top:.5rem}
.meta{margin-top:.5rem;font-size:.875rem;line-height:1.25rem;color:#525252}
audio{display:block;width:100%;margin-top:1.5rem}
.note{margin-top:1.5rem;padding:.625rem .75rem;border:1px solid #e5e5e5;border-radius:.5rem;background:#fafafa;color:#404040;font-size:.875rem;line-height:1.25rem}
.live{display:flex;align-items:center;gap:.5rem;border-color:#bedbff;background:#eff6ff;color:#1c398e}
.spinner{flex-shrink:0;width:.875rem;height:.875rem;border:2px solid currentColor;border-right-color:transparent;border-radius:50%;animation:spin 1s linear infinite}
@keyframes spin{to{transform:rotate(360deg)}}
.text{margin-top:2rem;font-size:1rem;line-height:1.75rem;white-space:pre-wrap;overflow-wrap:break-word}
.text:empty::before{content:'No text was recognised.';color:#737373}
.text[aria-busy]:empty::before{content:'Waiting for the first words…'}
footer{display:flex;align-items:center;gap:.5rem;padding:1.5rem 0;border-top:1px solid #e5e5e5;font-size:.75rem;line-height:1rem;color:#737373}
footer svg{width:.875rem;height:.875rem}
a{color:inherit;font-weight:500}
:focus-visible{outline:2px solid #3080ff;outline-offset:2px}
@media (min-width:40rem){.page{padding:0 1.5rem}main{padding:3.5rem 0}h1{font-size:1.875rem;line-height:2.25rem}.text{font-size:1.0625rem;line-height:2rem}}
@media (prefers-color-scheme:dark){body{background:#0a0a0a;color:#f5f5f5}.meta,footer,.text:empty::before{color:#a1a1a1}.note{border-color:#262626;background:#171717;color:#d4d4d4}.live{border-color:#1c398e99;background:#16245666;color:#dbeafe}footer{border-color:#262626}}
`);

const FOLLOW_SCRIPT = Html.trusted(`(${followSharedTranscript.toString()})()`);

const BRAND_MARK = html`<svg viewBox="0 0 20 20" aria-hidden="true" fill="currentColor"><rect x="2" y="8" width="2.2" height="4" rx="1.1"/><rect x="6" y="5" width="2.2" height="10" rx="1.1"/><rect x="10" y="2" width="2.2" height="16" rx="1.1"/><rect x="14" y="6" width="2.2" height="8" rx="1.1"/></svg>`;

function documentOf({ title, head, main, script }: { title: string; head?: Html; main: Html; script?: Html }) {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Verbatim</title>
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<meta name="theme-color" content="#ffffff" media="(prefers-color-scheme: light)">
<meta name="theme-color" content="#0a0a0a" media="(prefers-color-scheme: dark)">
<link rel="icon" href="/icon.svg" type="image/svg+xml">
${head}<style>${STYLE}</style>
</head>
<body>
<div class="page">
<main>${main}</main>
<footer>${BRAND_MARK}Shared with Verbatim</footer>
</div>
${script}</body>
</html>
`;
}

/** About the first 160 characters, cut at a word. */
function previewOf(text: string) {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= 160) return flat;
  const cut = flat.slice(0, 160);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 100 ? cut.lastIndexOf(' ') : 160)}…`;
}

/** A shared transcript, read-only and readable without JavaScript. Never shows who owns it. */
export function sharedDocument({ shared, token, origin, nonce }: { shared: Shared; token: string; origin: string; nonce: string | undefined }) {
  const description = previewOf(shared.text) || 'A transcript shared with Verbatim.';
  const image = `${origin}/s/${encodeURIComponent(token)}/opengraph-image`;
  const transcribing = shared.status === 'transcribing';
  const meta = [
    shared.language ? languageName(shared.language) : undefined,
    shared.duration_seconds !== null ? formatDuration(shared.duration_seconds) : undefined,
  ].filter((part) => part !== undefined);

  const head = html`<meta name="description" content="${description}">
<meta property="og:title" content="${shared.title}">
<meta property="og:description" content="${description}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="Verbatim">
<meta property="og:image" content="${image}">
<meta property="og:image:type" content="image/png">
<meta property="og:image:width" content="1200">
<meta property="og:image:height" content="630">
<meta property="og:image:alt" content="A shared transcript">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="${shared.title}">
<meta name="twitter:description" content="${description}">
<meta name="twitter:image" content="${image}">
<meta name="twitter:image:alt" content="A shared transcript">
`;

  const main = html`<article>
<header>
<h1>${shared.title}</h1>
<p class="meta"><time datetime="${shared.created_at}">${formatDay(shared.created_at, { timeZone: 'UTC', locale: 'en' })}</time>${meta.map((part) => html`<span aria-hidden="true"> · </span>${part}`)}</p>
</header>
${shared.include_audio ? html`<audio controls aria-label="Recording" src="/api/share/${encodeURIComponent(token)}/audio" preload="none"></audio>` : null}
${
  transcribing
    ? html`<noscript><p class="meta">Still transcribing — reload for more.</p></noscript>
<p id="live-status" role="status" class="note live"><span class="spinner" aria-hidden="true"></span>Still transcribing: the text fills in as it is recognised.</p>`
    : shared.status === 'failed' || shared.status === 'cancelled'
      ? html`<p class="note">This transcription did not finish; the text may be incomplete.</p>`
      : null
}
<div role="region" aria-label="Transcript text" class="text"${transcribing ? html` aria-busy="true" data-follow="/api/share/${encodeURIComponent(token)}/events"` : null}>${shared.text}</div>
</article>`;

  return documentOf({ title: shared.title, head, main, script: transcribing ? html`<script nonce="${nonce ?? ''}">${FOLLOW_SCRIPT}</script>\n` : undefined });
}

/** The same answer for a link that is malformed, unknown, expired or revoked. */
export function notFoundDocument() {
  return documentOf({
    title: 'Not found',
    main: html`<p class="meta">404</p>
<h1>This link does not work</h1>
<p class="meta">It may have expired, or the person who shared it stopped sharing it.</p>
<p class="meta"><a href="/">Go to Verbatim</a></p>`,
  });
}
