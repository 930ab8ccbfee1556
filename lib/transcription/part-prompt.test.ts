import { describe, expect, it } from 'vitest';
import { partPrompt, PROMPT_BUDGET_CHARACTERS, textTail } from './part-prompt';

describe('textTail', () => {
  it('keeps the last whole words within the budget', () => {
    expect(textTail('one two three four', 10)).toBe('three four');
    expect(textTail('  short  ', 100)).toBe('short');
    expect(textTail('abcdefghijklmnop', 5)).toBe('');
    expect(textTail('anything', 0)).toBe('');
  });
});

describe('partPrompt', () => {
  const words = Array.from({ length: 400 }, (_, index) => `w${index}`).join(' ');

  it('is the user prompt first, then the end of the text so far, within the budget', () => {
    const prompt = partPrompt({ userPrompt: 'Names: Ada, Grace.', textSoFar: words }) ?? '';
    expect(prompt.startsWith('Names: Ada, Grace. ')).toBe(true);
    expect(prompt.endsWith(' w398 w399')).toBe(true);
    expect(prompt.length).toBeLessThanOrEqual(PROMPT_BUDGET_CHARACTERS);
    expect(words.endsWith(prompt.slice('Names: Ada, Grace. '.length))).toBe(true);
  });

  it('is the text tail alone without a user prompt, the user prompt alone at first, nothing when both are empty', () => {
    expect(partPrompt({ textSoFar: 'said before' })).toBe('said before');
    expect(partPrompt({ userPrompt: 'Glossary', textSoFar: '' })).toBe('Glossary');
    expect(partPrompt({ userPrompt: ' ', textSoFar: '' })).toBeUndefined();
  });

  it('cuts an overlong user prompt to the budget, leaving no room for the tail', () => {
    const prompt = partPrompt({ userPrompt: 'x'.repeat(2000), textSoFar: words });
    expect(prompt).toBe('x'.repeat(PROMPT_BUDGET_CHARACTERS));
  });
});
