/** Marks around matched words in a marked title or snippet: control characters no text shows. */
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

/** Splits marked text into plain and matched parts, for rendering as text (never as HTML). */
export function splitMarked(marked: string): { text: string; match: boolean }[] {
  const parts: { text: string; match: boolean }[] = [];
  for (const [index, chunk] of marked.split(MATCH_START).entries()) {
    const [matched, rest] = index === 0 ? [undefined, chunk] : chunk.split(MATCH_END, 2);
    if (matched) parts.push({ text: matched, match: true });
    if (rest) parts.push({ text: rest.replaceAll(MATCH_END, ''), match: false });
  }
  return parts;
}

/**
 * The user's words as an FTS5 query: each word quoted (so no word is read as an operator), all
 * required, the last one as a prefix so that results follow typing. Undefined when no word is left.
 */
export function toFtsQuery(input: string): string | undefined {
  const words = input.normalize('NFKC').match(/[\p{L}\p{N}]+/gu)?.slice(0, 12) ?? [];
  if (words.length === 0) return undefined;
  return words.map((word, index) => `"${word}"${index === words.length - 1 ? '*' : ''}`).join(' ');
}
