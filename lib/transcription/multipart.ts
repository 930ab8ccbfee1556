import { randomBytes } from 'node:crypto';

const encoder = new TextEncoder();

export type MultipartField = readonly [name: string, value: string];

export function createBoundary() {
  return `----verbatim${randomBytes(16).toString('hex')}`;
}

function fieldPart(boundary: string, [name, value]: MultipartField) {
  return `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
}

/**
 * The upstream request body as a stream: fields, then the file bytes as they arrive, then any
 * fields that came after the file. Names and the file name are ours; only values come from
 * clients, and a value can never contain the random boundary (checked), so no part can be
 * forged. Pulled lazily, so the upstream's pace sets the pace of the upload.
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
}): ReadableStream<Uint8Array> {
  if (!/^[\w.-]+$/.test(file.fileName) || !/^[\w.+/-]+$/.test(file.contentType)) {
    throw new Error('Unsafe file name or content type for the upstream request');
  }
  const assertSafe = (list: MultipartField[]) => {
    for (const [name, value] of list) {
      if (!/^[a-z_]+$/.test(name) || value.includes(boundary)) throw new Error('Unsafe multipart field');
    }
  };
  assertSafe(fields);

  const head = encoder.encode(
    fields.map((field) => fieldPart(boundary, field)).join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.fileName}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
  );
  let stage: 'head' | 'file' | 'tail' = 'head';
  const reader = file.body.getReader();

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (stage === 'head') {
          stage = 'file';
          controller.enqueue(head);
          return;
        }
        if (stage === 'file') {
          const { done, value } = await reader.read();
          if (!done) {
            controller.enqueue(value);
            return;
          }
          stage = 'tail';
        }
        const trailing = (await trailingFields?.()) ?? [];
        assertSafe(trailing);
        controller.enqueue(encoder.encode(`\r\n${trailing.map((field) => fieldPart(boundary, field)).join('')}--${boundary}--\r\n`));
        controller.close();
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
