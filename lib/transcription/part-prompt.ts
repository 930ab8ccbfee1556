/**
 * The upstream reads at most 224 tokens of prompt (Whisper's limit, kept by the compatible
 * services): about 800 characters of English. The user's prompt comes first, whole up to the
 * budget; the rest of the budget goes to the end of the text so far, so that the next part
 * continues its sentences, names and spelling.
 */
export const PROMPT_BUDGET_CHARACTERS = 800;

/** The last words of `text` that fit in `budget` characters, never starting mid-word. */
export function textTail(text: string, budget: number): string {
  const trimmed = text.trim();
  if (budget <= 0) return '';
  if (trimmed.length <= budget) return trimmed;
  const cut = trimmed.slice(trimmed.length - budget);
  if (/\s/.test(trimmed.charAt(trimmed.length - budget - 1))) return cut.trim();
  const firstSpace = cut.search(/\s/);
  return firstSpace === -1 ? '' : cut.slice(firstSpace).trim();
}

/** The prompt of a part after the first: the user's prompt, then the tail of the text so far. */
export function partPrompt({ userPrompt, textSoFar, budget = PROMPT_BUDGET_CHARACTERS }: { userPrompt?: string; textSoFar: string; budget?: number }): string | undefined {
  const head = (userPrompt ?? '').trim().slice(0, budget);
  const tail = textTail(textSoFar, budget - head.length - (head ? 1 : 0));
  return [head, tail].filter(Boolean).join(' ') || undefined;
}
