import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export type MultipartField = readonly [name: string, value: string];

export function createBoundary() {
  return `----verbatim${randomBytes(16).toString('hex')}`;
}

function fieldPart(boundary: string, [name, value]: MultipartField) {
  return `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
}

/**
 * The upstream request body as a Node stream: fields, then the file bytes as they arrive, then
 * any fields that came after the file. Names and the file name are ours; only values come from
 * clients, and a value can never contain the random boundary (checked), so no part can be
 * forged. The file is read only when the body is (`highWaterMark: 0`), so the reader's pace (the
 * upstream socket's backpressure) sets the pace of the upload; destroying the body stops the file.
 */
export function composeMultipartBody({
  boundary,
  fields,
  file,
  trailingFields,
}: {
  boundary: string;
  fields: MultipartField[];
  file: { fileName: string; contentType: string; body: ReadableStream<Uint8Array> };
  trailingFields?: () => Promise<MultipartField[]>;
}): Readable {
  if (!/^[\w.-]+$/.test(file.fileName) || !/^[\w.+/-]+$/.test(file.contentType)) {
    throw new Error('Unsafe file name or content type for the upstream request');
  }
  const assertSafe = (list: MultipartField[]) => {
    for (const [name, value] of list) {
      if (!/^[a-z_]+$/.test(name) || value.includes(boundary)) throw new Error('Unsafe multipart field');
    }
  };
  assertSafe(fields);

  const head = Buffer.from(
    fields.map((field) => fieldPart(boundary, field)).join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.fileName}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
  );
  let stage: 'head' | 'file' | 'tail' = 'head';
  // Taken now, as before any read: destroying the body cancels the file even if it was never read.
  const reader = file.body.getReader();
  const tail = async () => {
    const trailing = (await trailingFields?.()) ?? [];
    assertSafe(trailing);
    return Buffer.from(`\r\n${trailing.map((field) => fieldPart(boundary, field)).join('')}--${boundary}--\r\n`);
  };

  return new Readable({
    highWaterMark: 0,
    // Node calls this again only after a push, so one read of the file is under way at a time.
    async read() {
      try {
        if (stage === 'head') {
          stage = 'file';
          this.push(head);
          return;
        }
        if (stage === 'file') {
          const { done, value } = await reader.read();
          if (!done) {
            this.push(value);
            return;
          }
          stage = 'tail';
        }
        this.push(await tail());
        this.push(null);
      } catch (error) {
        this.destroy(error as Error);
      }
    },
    destroy(error, callback) {
      reader.cancel(error ?? undefined).then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
}
