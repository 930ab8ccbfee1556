import { searchWords } from '@/lib/search-marks';

/**
 * The user's words as an FTS5 query: each word quoted (so no word is read as an operator), all
 * required, the last one as a prefix so that results follow typing. Undefined when no word is left.
 */
export function toFtsQuery(input: string): string | undefined {
  const words = searchWords(input);
  if (words.length === 0) return undefined;
  return words.map((word, index) => `"${word}"${index === words.length - 1 ? '*' : ''}`).join(' ');
}
