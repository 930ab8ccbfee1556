import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { describe, expect, it } from 'vitest';
import { composeMultipartBody, createBoundary } from './multipart';

async function collect(stream: Readable) {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a body the way a server would: every part with its headers. */
function parse(body: Buffer, boundary: string) {
  return new Promise<{ fields: [string, string][]; files: { name: string; filename: string; mimeType: string; data: Buffer }[] }>(
    (resolve, reject) => {
      const fields: [string, string][] = [];
      const files: { name: string; filename: string; mimeType: string; data: Buffer }[] = [];
      const parser = busboy({ headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
      parser.on('field', (name, value) => fields.push([name, value]));
      parser.on('file', (name, stream, info) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => files.push({ name, filename: info.filename ?? '', mimeType: info.mimeType, data: Buffer.concat(chunks) }));
      });
      parser.on('close', () => resolve({ fields, files }));
      parser.on('error', reject);
      parser.end(body);
    },
  );
}

const streamOf = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

describe('composeMultipartBody', () => {
  it('writes fields, the file and late fields as one valid multipart body', async () => {
    const boundary = createBoundary();
    const body = await collect(
      composeMultipartBody({
        boundary,
        fields: [
          ['model', 'm'],
          ['stream', 'true'],
        ],
        file: { fileName: 'audio.mp3', contentType: 'audio/mpeg', body: streamOf('ID3', 'rest-of-audio') },
        trailingFields: async () => [['language', 'de']],
      }),
    );
    const parsed = await parse(body, boundary);
    expect(parsed.fields).toEqual([
      ['model', 'm'],
      ['stream', 'true'],
      ['language', 'de'],
    ]);
    expect(parsed.files).toHaveLength(1);
    expect(parsed.files[0]).toMatchObject({ name: 'file', filename: 'audio.mp3', mimeType: 'audio/mpeg' });
    expect(parsed.files[0]?.data.toString()).toBe('ID3rest-of-audio');
  });

  it('keeps hostile values inside their own part', async () => {
    const boundary = createBoundary();
    const hostile = 'x"\r\n--fake\r\nContent-Disposition: form-data; name="model"\r\n\r\nevil-model\r\n';
    const parsed = await parse(
      await collect(
        composeMultipartBody({
          boundary,
          fields: [
            ['model', 'real-model'],
            ['prompt', hostile],
          ],
          file: { fileName: 'audio.wav', contentType: 'audio/wav', body: streamOf('RIFF') },
        }),
      ),
      boundary,
    );
    expect(parsed.fields).toEqual([
      ['model', 'real-model'],
      ['prompt', hostile],
    ]);
  });

  it('refuses a value that contains the boundary, and unsafe file names', () => {
    const boundary = createBoundary();
    const file = { fileName: 'audio.mp3', contentType: 'audio/mpeg', body: streamOf('ID3') };
    expect(() => composeMultipartBody({ boundary, fields: [['prompt', `a\r\n--${boundary}\r\n`]], file })).toThrow();
    expect(() =>
      composeMultipartBody({ boundary, fields: [], file: { ...file, fileName: 'a"; name="model".mp3' } }),
    ).toThrow();
  });

  it('pulls the file only as fast as the body is read, and stops it when destroyed', async () => {
    let pulls = 0;
    let cancelled = false;
    const file = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls += 1;
          controller.enqueue(new Uint8Array(1024));
          if (pulls === 100) controller.close();
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const body = composeMultipartBody({ boundary: createBoundary(), fields: [], file: { fileName: 'a.wav', contentType: 'audio/wav', body: file } });
    body.read();
    body.read();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pulls).toBeLessThanOrEqual(2);
    body.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cancelled).toBe(true);
  });
});
