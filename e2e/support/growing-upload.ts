// A resumable upload spoken by hand, as the recorder's growing upload is (tus-js-client's Node
// stream reader can wait forever at a chunk's end), and the transcription asked for while it grows.

export type StreamEvent = { type: string; id?: string; index?: number; count?: number | null; startSeconds?: number; delta?: string; text?: string; error?: { code: string; message: string } };

export const tusMetadata = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');

/** Creates a tus upload (`headers`: Upload-Length or Upload-Defer-Length, Upload-Metadata); `patch` appends a piece at an offset. */
export async function createTusUpload(baseUrl: string, cookie: string, headers: Record<string, string>) {
  const tusHeaders = { cookie, 'Tus-Resumable': '1.0.0' };
  const created = await fetch(`${baseUrl}/api/uploads/resumable`, { method: 'POST', headers: { ...tusHeaders, ...headers } });
  if (created.status !== 201) throw new Error(`POST ${created.status}: ${await created.text()}`);
  const url = new URL(created.headers.get('location') ?? '', baseUrl).toString();
  return {
    id: url.split('/').pop() ?? '',
    /** The new offset. `extra` may declare the length (the recorder's final PATCH at Stop). */
    async patch(piece: Uint8Array<ArrayBuffer>, offset: number, extra: Record<string, string> = {}) {
      const patched = await fetch(url, {
        method: 'PATCH',
        headers: { ...tusHeaders, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream', ...extra },
        body: piece,
      });
      if (patched.status !== 204) throw new Error(`PATCH ${patched.status}: ${await patched.text()}`);
      return Number(patched.headers.get('upload-offset'));
    },
    head: () => fetch(url, { method: 'HEAD', headers: tusHeaders }),
  };
}

/**
 * POSTs `{ resumableUpload, … }` to /api/transcriptions and reads the SSE answer in the
 * background: `peek` is the events so far, `firstDeltaAt` when the first text arrived.
 */
export function transcribeResumable(baseUrl: string, cookie: string, body: Record<string, unknown>) {
  const seen: StreamEvent[] = [];
  let firstDeltaAt: number | undefined;
  const events = (async () => {
    const response = await fetch(`${baseUrl}/api/transcriptions`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`${response.status}: ${await response.text()}`);
    let buffered = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      const blocks = buffered.split('\n\n');
      buffered = blocks.pop() ?? '';
      for (const block of blocks) {
        if (!block.startsWith('data: ')) continue;
        const event = JSON.parse(block.slice(6)) as StreamEvent;
        if (event.type === 'transcript.text.delta') firstDeltaAt ??= Date.now();
        seen.push(event);
      }
    }
    return seen;
  })();
  events.catch(() => undefined);
  return { events, peek: async () => seen, firstDeltaAt: () => firstDeltaAt };
}
