/**
 * The shared page's only script: fills in the text of a transcript that is still being
 * transcribed. It reaches the browser as its own source text (see `shared-document.ts`), so it
 * must use nothing from outside its body. Every connection replays the text from its start.
 */
export function followSharedTranscript() {
  const region = document.querySelector<HTMLElement>('[data-follow]');
  if (!region?.dataset.follow) return;
  const shown = region.textContent ?? '';
  const source = new EventSource(region.dataset.follow);
  let text = '';
  source.onopen = () => {
    text = '';
  };
  source.onmessage = (message: MessageEvent<string>) => {
    let event: { type?: unknown; delta?: unknown; text?: unknown } | null;
    try {
      event = JSON.parse(message.data) as { type?: unknown } | null;
    } catch {
      return;
    }
    if (event?.type === 'transcript.text.delta' && typeof event.delta === 'string') {
      text += event.delta;
      if (text.length >= shown.length) region.textContent = text;
    } else if (event?.type === 'transcript.text.done' && typeof event.text === 'string') {
      source.close();
      region.textContent = event.text;
      region.removeAttribute('aria-busy');
      document.getElementById('live-status')?.remove();
    } else if (event?.type === 'error') {
      // The server then shows the final state (did not finish).
      source.close();
      location.reload();
    }
  };
  // A refused connection (e.g. a link revoked meanwhile) is not retried by the browser.
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) location.reload();
  };
}
