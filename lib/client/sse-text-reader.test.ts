import { describe, expect, it } from 'vitest';
import { createSseTextReader, parseTranscriptEvent } from './sse-text-reader';

/** Feeds the reader the way XMLHttpRequest exposes a stream: the whole text so far, each time longer. */
function readGrowing(chunks: string[]) {
  const seen: string[] = [];
  const reader = createSseTextReader((data) => seen.push(data));
  let text = '';
  for (const chunk of chunks) {
    text += chunk;
    reader.read(text);
  }
  return seen;
}

describe('createSseTextReader', () => {
  it('joins an event split across chunks, even mid-line and between the two newlines', () => {
    expect(readGrowing(['da', 'ta: {"type":"transcript.te', 'xt.delta","delta":" Hi"}\n', '\n'])).toEqual([
      '{"type":"transcript.text.delta","delta":" Hi"}',
    ]);
  });

  it('reads two events that arrive in one chunk, in order', () => {
    expect(readGrowing(['data: {"a":1}\n\ndata: {"b":2}\n\n'])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('parses only the new part when the same text is read again or grows', () => {
    const seen: string[] = [];
    const reader = createSseTextReader((data) => seen.push(data));
    reader.read('data: one\n\n');
    reader.read('data: one\n\n');
    reader.read('data: one\n\ndata: two\n\n');
    expect(seen).toEqual(['one', 'two']);
  });

  it('keeps an unfinished event until its blank line arrives', () => {
    const seen: string[] = [];
    const reader = createSseTextReader((data) => seen.push(data));
    reader.read('data: partial');
    expect(seen).toEqual([]);
    reader.read('data: partial\r\n\r\n');
    expect(seen).toEqual(['partial']);
  });
});

describe('parseTranscriptEvent', () => {
  it('accepts our events and ignores [DONE], bad JSON and unknown shapes', () => {
    expect(parseTranscriptEvent('{"type":"transcript.created","id":"abc"}')).toEqual({ type: 'transcript.created', id: 'abc' });
    expect(parseTranscriptEvent('{"type":"error","error":{"code":"upstream:stream","message":"Stopped."}}')).toEqual({
      type: 'error',
      error: { code: 'upstream:stream', message: 'Stopped.' },
    });
    expect(parseTranscriptEvent('[DONE]')).toBeUndefined();
    expect(parseTranscriptEvent('{"type":"transcript.text.delta"}')).toBeUndefined();
    expect(parseTranscriptEvent('{"type":"something.else"}')).toBeUndefined();
  });
});
