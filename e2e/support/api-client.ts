import { request as httpRequest, type IncomingMessage } from 'node:http';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { APP_BASE_URL } from './constants';

/** Talks HTTP to the app's API directly, as an API client (or a hostile one) would. */
export const BOUNDARY = 'e2e-boundary-7f3a';
export const mp3Header = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);

export type Part = { name: string; value: string } | { name: string; filename: string; data: Buffer };

export function partHead(part: Part) {
  return 'value' in part
    ? `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`
    : `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: audio/mpeg\r\n\r\n`;
}

export function multipart(parts: Part[]) {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(partHead(part), 'utf8'));
    if ('data' in part) chunks.push(part.data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

export const fakeAudio = (bytes: number) => {
  const data = Buffer.alloc(bytes, 0x55);
  mp3Header.copy(data);
  return data;
};

export function post(cookie: string, body: Buffer, headers: Record<string, string> = {}, baseUrl = APP_BASE_URL) {
  return fetch(`${baseUrl}/api/transcriptions`, {
    method: 'POST',
    headers: { cookie, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
    body: new Uint8Array(body),
  });
}

export async function readEvents(response: Response) {
  const events: Record<string, unknown>[] = [];
  const stream = response.body?.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  if (!stream) return events;
  for await (const message of stream) events.push(JSON.parse(message.data) as Record<string, unknown>);
  return events;
}

/** A raw request whose body the test writes itself, at its own pace. */
export function openRawUpload(cookie: string, headers: Record<string, string | number> = {}, baseUrl = APP_BASE_URL) {
  const url = new URL('/api/transcriptions', baseUrl);
  const request = httpRequest({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: { cookie, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request.on('response', resolve);
    request.on('error', reject);
  });
  const write = (chunk: Buffer) => new Promise<void>((resolve) => (request.write(chunk) ? resolve() : request.once('drain', resolve)));
  return { request, response, write };
}

export const bodyOf = async (response: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};
