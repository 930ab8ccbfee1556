import { describe, expect, it } from 'vitest';
import type { TranscriptDetails } from '@/lib/transcript-details';
import { contentDisposition, exportTranscript, toMarkdown } from './transcript-export';

const transcript: TranscriptDetails = {
  id: '0b8f6a0e-4d0c-4a57-9f57-3f5a3c1b2d10',
  title: 'Board meeting: Q3/Q4 <plans>',
  status: 'done',
  text: 'First line.\nSecond line with </script> and <img src=x onerror=alert(1)>',
  language: 'en',
  prompt: null,
  createdAt: '2026-03-12T14:05:00.000Z',
  startedAt: '2026-03-12T14:05:00.000Z',
  completedAt: '2026-03-12T14:06:00.000Z',
  editedAt: null,
  audioBytes: 1000,
  audioType: 'audio/mpeg',
  durationSeconds: 61,
  usage: { inputTokens: 10, outputTokens: 20, totalTokens: 30 },
  error: null,
  paused: false,
  versions: [],
  parts: [],
  source: { kind: 'upload' },
};

describe('exportTranscript', () => {
  it('writes the text as is to .txt, named after the title', async () => {
    const file = await exportTranscript(transcript, 'txt');
    expect(file.fileName).toBe('Board meeting Q3 Q4 plans.txt');
    expect(file.contentType).toBe('text/plain; charset=utf-8');
    expect(file.body).toBe(`${transcript.text}\n`);
  });

  it('puts title, date and language above the text in .md', () => {
    expect(toMarkdown(transcript)).toBe(
      ['# Board meeting: Q3/Q4 <plans>', '', '- Date: 12 March 2026 at 14:05 UTC', '- Language: English', '', `${transcript.text}\n`].join('\n'),
    );
  });

  it('keeps every field in .json', async () => {
    const file = await exportTranscript(transcript, 'json');
    expect(JSON.parse(String(file.body))).toEqual(transcript);
  });

  it('makes a Word document (a zip) for .docx', async () => {
    const file = await exportTranscript(transcript, 'docx');
    expect(file.fileName).toBe('Board meeting Q3 Q4 plans.docx');
    const bytes = file.body as Uint8Array;
    expect(String.fromCharCode(...bytes.subarray(0, 2))).toBe('PK');
    expect(bytes.length).toBeGreaterThan(1000);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('Réunion "été".txt')).toBe(`attachment; filename="R_union __t__.txt"; filename*=UTF-8''R%C3%A9union%20%22%C3%A9t%C3%A9%22.txt`);
  });
});
