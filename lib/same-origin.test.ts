import { describe, expect, it } from 'vitest';
import { crossOriginError } from './same-origin';

const request = (headers: Record<string, string>) => new Request('http://app.test/api/transcriptions', { method: 'POST', headers: { host: 'app.test', ...headers } });

describe('crossOriginError', () => {
  it.each([
    ['same origin', { origin: 'http://app.test' }],
    ['no Origin (a non-browser client)', {}],
    ['same origin behind a proxy', { origin: 'https://verbatim.example', 'x-forwarded-host': 'verbatim.example' }],
  ])('lets %s through', (_label, headers) => {
    expect(crossOriginError(request(headers))).toBeUndefined();
  });

  it.each([
    ['another site', { origin: 'https://evil.example' }],
    ['another port', { origin: 'http://app.test:8080' }],
    ['Origin: null', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site without Origin', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses %s with 403 forbidden:origin', (_label, headers) => {
    expect(crossOriginError(request(headers))?.toJSON().code).toBe('forbidden:origin');
    expect(crossOriginError(request(headers))?.status).toBe(403);
  });
});
