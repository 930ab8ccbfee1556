/** Splits a byte stream of text into complete lines, holding back a partial last line. */
export function createLineSplitter() {
  const decoder = new TextDecoder();
  let pending = '';
  return {
    push(chunk: Uint8Array): string[] {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      return lines;
    },
    end(): string[] {
      const rest = pending + decoder.decode();
      pending = '';
      return rest ? [rest] : [];
    },
  };
}

/**
 * One hypothesis line of `pocketsphinx_continuous` as transcript words: alternate-pronunciation
 * markers (`read(2)`) and filler tags (`<sil>`, `[noise]`) removed, spacing normalised.
 */
export function cleanHypothesis(line: string): string {
  return line
    .replace(/\(\d+\)/g, '')
    .replace(/<[^>\s]*>|\[[^\]\s]*\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The delta that appends an utterance to the text so far: words are separated by one space. */
export function deltaFor(textSoFar: string, utterance: string): string {
  return textSoFar ? ` ${utterance}` : utterance;
}
