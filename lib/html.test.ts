import { describe, expect, it } from 'vitest';
import { Html, html } from './html';

describe('html', () => {
  it('escapes text and attribute values, including quotes', () => {
    const hostile = `"><img src=x onerror=alert(1)>'&`;
    expect(String(html`<p title="${hostile}">${hostile}</p>`)).toBe(
      '<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;</p>',
    );
  });

  it('nests fragments and lists without escaping them twice, and drops empty values', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    expect(String(html`<ul>${items}${null}${undefined}${false}</ul>`)).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
  });

  it('passes trusted markup through as written', () => {
    expect(String(html`<style>${Html.trusted('a>b{color:red}')}</style>`)).toBe('<style>a>b{color:red}</style>');
  });

  it('does not treat a plain object that looks like Html as markup', () => {
    const forged = { source: '<script>alert(1)</script>' } as unknown as string;
    expect(String(html`${forged}`)).toBe('[object Object]');
  });
});
