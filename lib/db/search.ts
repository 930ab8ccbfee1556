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
  const words = searchWords(input);
  if (words.length === 0) return undefined;
  return words.map((word, index) => `"${word}"${index === words.length - 1 ? '*' : ''}`).join(' ');
}

export function searchWords(input: string) {
  return input.normalize('NFKC').match(/[\p{L}\p{N}]+/gu)?.slice(0, 12) ?? [];
}

/** Lower case without accents, as the full-text index compares words. */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Marks the searched words in `text` (the last one as a prefix, as in the search), and with
 * `aroundWords` keeps only that many words around the first match. Done here rather than by the
 * index so that a page of results costs the same on every database.
 */
export function markMatches(text: string, input: string, { aroundWords }: { aroundWords?: number } = {}) {
  const words = searchWords(input).map(fold);
  const last = words.at(-1);
  const tokens = text.split(/(\s+)/);
  let first = -1;
  const marked = tokens.map((token, index) => {
    if (index % 2 === 1) return token;
    const parts = token.split(/([\p{L}\p{N}]+)/u);
    let hit = false;
    const out = parts
      .map((part, partIndex) => {
        if (partIndex % 2 === 0) return part.replaceAll(MATCH_START, '').replaceAll(MATCH_END, '');
        const folded = fold(part);
        const matches = words.includes(folded) || (last !== undefined && folded.startsWith(last));
        if (!matches) return part;
        hit = true;
        return `${MATCH_START}${part}${MATCH_END}`;
      })
      .join('');
    if (hit && first === -1) first = index;
    return out;
  });
  if (aroundWords === undefined) return marked.join('');
  // Tokens alternate word, space, word: n words on each side are 2n tokens.
  const start = Math.max(0, first === -1 ? 0 : first - 2 * aroundWords);
  const end = Math.min(tokens.length, (first === -1 ? 0 : first) + 2 * aroundWords + 1);
  const window = marked.slice(start, end).join('').replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${window}${end < tokens.length ? '…' : ''}`;
}
