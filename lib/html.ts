/**
 * HTML written as text, for the few documents served without React. Every interpolated value
 * is escaped unless it is itself `Html`, so user text cannot become markup by mistake.
 */
export class Html {
  private constructor(readonly source: string) {}

  /** Markup we wrote ourselves (a stylesheet, a script): never pass it anything a user typed. */
  static trusted(source: string) {
    return new Html(source);
  }

  toString() {
    return this.source;
  }
}

type Value = Html | string | number | null | undefined | false | readonly Value[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

function render(value: Value): string {
  if (value instanceof Html) return value.source;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** A template tag: html`<p title="${title}">${text}</p>`; attribute values must be quoted. */
export function html(strings: TemplateStringsArray, ...values: Value[]) {
  return Html.trusted(strings.reduce((out, string, index) => out + render(values[index - 1]) + string));
}
