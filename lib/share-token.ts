import 'server-only';

import { createHash, randomBytes } from 'node:crypto';
import { getSharedTranscriptByTokenHash } from '@/lib/db/share-links';
import { encodeEvent, type TranscriptEvent } from '@/lib/transcription/events';

/** 256 random bits; only the hash is stored, so a database leak reveals no working link. */
export function createShareToken() {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashShareToken(token) };
}

export function hashShareToken(token: string) {
  return createHash('sha256').update(token).digest('hex');
}

export const shareTokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** The transcript behind a live link; undefined alike for a malformed, unknown, expired or revoked token. */
export async function findSharedTranscript({ token, recordView }: { token: string; recordView: boolean }) {
  if (!shareTokenPattern.test(token)) return undefined;
  return getSharedTranscriptByTokenHash({ tokenHash: hashShareToken(token), recordView });
}

/**
 * What an anonymous reader may see of an event: the text. No ids, no usage, no queue position,
 * and no error message of ours (one names a setting of the server).
 */
export function eventForReaders(event: TranscriptEvent): TranscriptEvent | undefined {
  switch (event.type) {
    case 'transcript.text.delta':
      return event;
    case 'transcript.text.done':
      return { type: event.type, text: event.text };
    case 'error':
      return { type: 'error', error: { code: 'internal:transcription', message: 'The transcription did not finish.' } };
    default:
      return undefined;
  }
}

/** How often an open live stream asks whether its link still works (revoked or expired). */
export const SHARE_RECHECK_MS = 2_000;

const linkGone = encodeEvent({ type: 'error', error: { code: 'not_found:share', message: 'This link no longer works.' } });

/**
 * `stream` for as long as the link behind `token` works: re-checked every SHARE_RECHECK_MS, so
 * that a reader following a transcription live is cut off within seconds of the owner revoking
 * the link or of its expiry, with a last event that says so.
 */
export function whileShared(stream: ReadableStream<Uint8Array>, token: string): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let timer: ReturnType<typeof setInterval> | undefined;
  let ended = false;
  const end = (controller?: ReadableStreamDefaultController<Uint8Array>) => {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    void reader.cancel().catch(() => undefined);
    if (controller) {
      controller.enqueue(linkGone);
      controller.close();
    }
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      timer = setInterval(() => {
        findSharedTranscript({ token, recordView: false }).then(
          (shared) => {
            if (!shared) end(controller);
          },
          // A database hiccup is not a revocation: the next check decides.
          () => undefined,
        );
      }, SHARE_RECHECK_MS);
    },
    async pull(controller) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (ended) return;
      if (done) {
        ended = true;
        clearInterval(timer);
        controller.close();
        return;
      }
      controller.enqueue(value);
    },
    cancel() {
      end();
    },
  });
}
