import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_AUDIO_BYTES } from '@/lib/audio/format';
import { declaredAudioSeconds, receiveUpload } from './incoming';

const mp3Head = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, ...new Array(100).fill(7)]);

function multipartRequest(parts: ({ name: string; value: string } | { name: string; filename: string; data: Uint8Array })[], headers: Record<string, string> = {}) {
  const boundary = 'test-boundary-1234';
  const chunks: Uint8Array[] = [];
  const text = (value: string) => chunks.push(new TextEncoder().encode(value));
  for (const part of parts) {
    if ('value' in part) text(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`);
    else {
      text(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
      chunks.push(part.data);
      text('\r\n');
    }
  }
  text(`--${boundary}--\r\n`);
  return new Request('http://localhost/api/transcriptions', {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...headers },
    body: new Blob(chunks as BlobPart[]).stream(),
    duplex: 'half',
  } as RequestInit);
}

async function drain(stream: Readable) {
  return new Uint8Array(Buffer.concat(await stream.toArray()));
}

describe('declaredAudioSeconds', () => {
  it('reads an optional duration in seconds and refuses anything else', () => {
    expect(declaredAudioSeconds(new Headers())).toBeUndefined();
    expect(declaredAudioSeconds(new Headers({ 'x-audio-duration-seconds': '2400.5' }))).toBe(2400.5);
    for (const value of ['-1', '0', 'soon', '1e9']) {
      expect(() => declaredAudioSeconds(new Headers({ 'x-audio-duration-seconds': value }))).toThrow(expect.objectContaining({ status: 400 }));
    }
  });
});

describe('receiveUpload', () => {
  it('keeps only the allowed fields and validates them', async () => {
    const upload = await receiveUpload(
      multipartRequest([
        { name: 'language', value: 'DE' },
        { name: 'model', value: 'attacker-model' },
        { name: 'api_base', value: 'http://evil.example' },
        { name: 'user_config[base_url]', value: 'http://evil.example' },
        { name: 'stream', value: 'true' },
        { name: 'file', filename: 'talk.mp3', data: mp3Head },
      ]),
    );
    expect(upload.options).toEqual({ language: 'de', prompt: undefined, response_format: 'json', stream: true });
    expect(upload.format.extension).toBe('mp3');
    expect(upload.fileName).toBe('talk.mp3');
    expect(await drain(upload.audio)).toEqual(mp3Head);
    const { options, lateFields } = await upload.complete;
    expect(options.language).toBe('de');
    expect([...lateFields]).toEqual([]);
  });

  it('reports fields that arrive after the file as late fields', async () => {
    const upload = await receiveUpload(
      multipartRequest([
        { name: 'file', filename: 'a.mp3', data: mp3Head },
        { name: 'prompt', value: 'Names: Ada, Grace' },
        { name: 'response_format', value: 'text' },
      ]),
    );
    await drain(upload.audio);
    const { options, lateFields } = await upload.complete;
    expect(options).toMatchObject({ prompt: 'Names: Ada, Grace', response_format: 'text' });
    expect([...lateFields].sort()).toEqual(['prompt', 'response_format']);
  });

  it('names the container from the bytes, not from the file name', async () => {
    const wav = new Uint8Array([...new TextEncoder().encode('RIFF\x24\x00\x00\x00WAVEfmt '), ...new Array(80).fill(1)]);
    const upload = await receiveUpload(multipartRequest([{ name: 'file', filename: 'actually-wav.mp3', data: wav }]));
    expect(upload.format).toMatchObject({ extension: 'wav', mimeType: 'audio/wav' });
  });

  it.each([
    ['a bad language code', [{ name: 'language', value: 'english' }], 'bad_request:transcription'],
    ['a prompt over the limit', [{ name: 'prompt', value: 'x'.repeat(1001) }], 'bad_request:transcription'],
    ['an unknown response format', [{ name: 'response_format', value: 'srt' }], 'bad_request:transcription'],
  ])('refuses %s with 400', async (_name, fields, code) => {
    await expect(receiveUpload(multipartRequest([...fields, { name: 'file', filename: 'a.mp3', data: mp3Head }]))).rejects.toMatchObject({ code, status: 400 });
  });

  it('refuses content that is not audio with 415, whatever its name', async () => {
    await expect(
      receiveUpload(multipartRequest([{ name: 'file', filename: 'song.mp3', data: new TextEncoder().encode('<html>not audio at all, just text</html>') }])),
    ).rejects.toMatchObject({ status: 415 });
  });

  it('refuses an empty file, a missing file and two files', async () => {
    await expect(receiveUpload(multipartRequest([{ name: 'file', filename: 'a.mp3', data: new Uint8Array() }]))).rejects.toMatchObject({ status: 400 });
    await expect(receiveUpload(multipartRequest([{ name: 'language', value: 'en' }]))).rejects.toMatchObject({ status: 400 });
    const twoFiles = await receiveUpload(
      multipartRequest([
        { name: 'file', filename: 'a.mp3', data: mp3Head },
        { name: 'file', filename: 'b.mp3', data: mp3Head },
      ]),
    );
    await drain(twoFiles.audio).catch(() => undefined);
    await expect(twoFiles.complete).rejects.toMatchObject({ status: 400 });
  });

  it('refuses a declared length over MAX_UPLOAD_MB (default 500) before reading the body', async () => {
    const request = multipartRequest([{ name: 'file', filename: 'a.mp3', data: mp3Head }], { 'content-length': String(501_000_000) });
    await expect(receiveUpload(request)).rejects.toMatchObject({ status: 413, message: expect.stringMatching(/500 MB, the most this server accepts/) });
    expect(request.bodyUsed).toBe(false);
  });

  it('takes a declared length past the upstream limit as long audio, and within it as today', async () => {
    const long = await receiveUpload(multipartRequest([{ name: 'file', filename: 'a.mp3', data: mp3Head }], { 'content-length': String(MAX_AUDIO_BYTES + 1_000_000) }));
    expect(long.long).toBe(true);
    await drain(long.audio);
    const short = await receiveUpload(multipartRequest([{ name: 'file', filename: 'a.mp3', data: mp3Head }]));
    expect(short.long).toBe(false);
    await drain(short.audio);
  });

  it('fails the audio stream with 413 as soon as the file passes the limit', async () => {
    const big = new Uint8Array(MAX_AUDIO_BYTES + 10);
    big.set(mp3Head);
    // Depending on chunking the limit is hit while sniffing or while streaming: either way, 413.
    const outcome = receiveUpload(multipartRequest([{ name: 'file', filename: 'big.mp3', data: big }])).then((upload) => drain(upload.audio));
    await expect(outcome).rejects.toMatchObject({ status: 413 });
  });

  it('refuses a body that is not multipart', async () => {
    const request = new Request('http://localhost/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"file":"x"}' });
    await expect(receiveUpload(request)).rejects.toMatchObject({ status: 415 });
  });
});
