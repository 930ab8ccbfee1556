'use client';

import { useEffect, useRef, useState } from 'react';
import { parseTranscriptEvent } from './sse-text-reader';

export type LiveTranscript = { text: string; ended: boolean };

/**
 * Follows a transcription as server-sent events (null URL: nothing to follow). Every connection,
 * reconnections included, replays the text from its start, so the text is rebuilt on each open.
 */
export function useLiveTranscript(url: string | null, onEnd?: () => void): LiveTranscript | null {
  const [live, setLive] = useState<(LiveTranscript & { url: string }) | null>(null);
  const onEndRef = useRef(onEnd);
  useEffect(() => {
    onEndRef.current = onEnd;
  }, [onEnd]);

  useEffect(() => {
    if (!url) return;
    const source = new EventSource(url);
    let text = '';
    const end = (finalText: string) => {
      source.close();
      setLive({ url, text: finalText, ended: true });
      onEndRef.current?.();
    };
    source.onopen = () => {
      text = '';
    };
    source.onmessage = (message) => {
      const event = parseTranscriptEvent(message.data);
      if (event?.type === 'transcript.text.delta') {
        text += event.delta;
        setLive({ url, text, ended: false });
      } else if (event?.type === 'transcript.text.done') {
        end(event.text);
      } else if (event?.type === 'error') {
        end(text);
      }
    };
    // A refused connection (e.g. a link revoked meanwhile) is not retried by the browser.
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) onEndRef.current?.();
    };
    return () => source.close();
  }, [url]);

  // What an earlier URL (e.g. the previous run) left behind does not belong to this one.
  return live && live.url === url ? live : null;
}

/** The live text once it has caught up with what the page already shows. */
export function shownText(initialText: string, live: LiveTranscript | null) {
  return live && (live.ended || live.text.length >= initialText.length) ? live.text : initialText;
}
