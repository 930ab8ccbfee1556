import { expect, it } from 'vitest';
import { LANGUAGES } from './languages';

it('lists the languages in the order of their English names', () => {
  const names = LANGUAGES.map(({ name }) => name);
  expect(names).toEqual([...names].sort(new Intl.Collator('en').compare));
});
