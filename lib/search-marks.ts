// Search helpers without database access, safe to ship to the browser (components/ui/marked-text.tsx).

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

/** Shorter words are left out of a search: a one-letter prefix would walk most of the index. */
export const MIN_SEARCH_WORD_LENGTH = 2;

/** The words of a search (at most 12), without those too short to search for. */
export function searchWords(input: string) {
  return (input.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => [...word].length >= MIN_SEARCH_WORD_LENGTH).slice(0, 12);
}

/** Lower case without accents, as the full-text index compares words. */
const fold = (word: string) => (/^[\x00-\x7f]*$/.test(word) ? word.toLowerCase() : word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase());

const WORD = /[\p{L}\p{N}]+/gu;

function matcherFor(input: string) {
  const words = searchWords(input).map(fold);
  const last = words.at(-1);
  return (word: string) => {
    const folded = fold(word);
    return words.includes(folded) || (last !== undefined && folded.startsWith(last));
  };
}

function markAll(text: string, matches: (word: string) => boolean) {
  const clean = text.replaceAll(MATCH_START, '').replaceAll(MATCH_END, '');
  return clean.replace(WORD, (word) => (matches(word) ? `${MATCH_START}${word}${MATCH_END}` : word));
}

/**
 * Marks the searched words in `text` (the last one as a prefix, as in the search), and with
 * `aroundWords` keeps only that many words around the first match. Done here rather than by the
 * index so that a page of results costs the same on every database.
 */
export function markMatches(text: string, input: string, { aroundWords }: { aroundWords?: number } = {}) {
  const matches = matcherFor(input);
  if (aroundWords === undefined) return markAll(text, matches);

  const starts: number[] = [];
  let first = -1;
  for (const found of text.matchAll(WORD)) {
    starts.push(found.index);
    if (matches(found[0])) {
      first = starts.length - 1;
      break;
    }
  }
  const firstIndex = Math.max(first, 0);
  const from = starts[Math.max(0, firstIndex - aroundWords)] ?? 0;
  // Walk on from the match to the end of the window.
  let to = text.length;
  let counted = 0;
  for (const found of text.slice(starts[firstIndex] ?? 0).matchAll(WORD)) {
    if (counted++ > aroundWords) {
      to = (starts[firstIndex] ?? 0) + found.index;
      break;
    }
  }
  const window = markAll(text.slice(from, to), matches).replace(/\s+/g, ' ').trim();
  return `${from > 0 ? '…' : ''}${window}${to < text.length ? '…' : ''}`;
}
