import { describe, expect, it } from 'vitest';
import { engineFieldsSchema } from './schema';

describe('engineFieldsSchema', () => {
  it('applies the upstream defaults', () => {
    expect(engineFieldsSchema.parse({ model: 'pocketsphinx-en-us' })).toEqual({ model: 'pocketsphinx-en-us', response_format: 'json', stream: false });
  });

  it('normalises the language and treats an empty one as automatic', () => {
    expect(engineFieldsSchema.parse({ model: 'pocketsphinx-en-us', language: ' EN ' }).language).toBe('en');
    expect(engineFieldsSchema.parse({ model: 'pocketsphinx-en-us', language: '' }).language).toBeUndefined();
  });

  it.each([
    [{}, 'model'],
    [{ model: 'whisper-1' }, 'model'],
    [{ model: 'pocketsphinx-en-us', response_format: 'srt' }, 'response_format'],
    [{ model: 'pocketsphinx-en-us', stream: 'yes' }, 'stream'],
    [{ model: 'pocketsphinx-en-us', language: 'english' }, 'language'],
  ])('rejects %j naming %s', (fields, param) => {
    const parsed = engineFieldsSchema.safeParse(fields);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path[0]).toBe(param);
  });
});
