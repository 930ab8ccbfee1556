import { createHash, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { FAKE_OAUTH_CLIENTS } from './constants';

// A stand-in for GitHub (as GitHub Enterprise Server: /login/oauth/*, /api/v3/*) and Google (an
// OpenID Connect issuer under /google) that speaks their wire formats: an authorization page, a
// token endpoint checking the client secret and PKCE, the user endpoints, and signed ID tokens.
// The "consent" page is a form where the test says who is signing in, so parallel tests never
// share state. The app reaches it through AUTH_GITHUB_URL and AUTH_GOOGLE_ISSUER.


type Provider = keyof typeof FAKE_OAUTH_CLIENTS;

/** The person the test signs in as; an empty email means the provider shares none. */
type Person = { id: string; name: string; email: string; verified: boolean };

type Grant = { provider: Provider; person: Person; redirectUri: string; codeChallenge: string | null; nonce: string | null };

const ISSUED_LIMIT = 1000;

function remember<T>(map: Map<string, T>, key: string, value: T) {
  if (map.size >= ISSUED_LIMIT) map.delete(map.keys().next().value ?? '');
  map.set(key, value);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

async function readForm(request: IncomingMessage) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json', 'Cache-Control': 'no-store', ...headers });
  response.end(text);
}

function consentPage(provider: Provider, query: URLSearchParams) {
  const hidden = [...query].map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');
  return `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width"><title>Fake ${provider} sign-in</title></head>
<body><main><h1>Sign in to fake ${provider}</h1>
<form method="post" action="/${provider}/approve">${hidden}
<p><label>Account id <input name="person_id" required></label></p>
<p><label>Name <input name="person_name" value="Test Person"></label></p>
<p><label>Email <input name="person_email" type="email"></label></p>
<p><label><input name="person_verified" type="checkbox" checked> Email verified</label></p>
<button type="submit">Authorize</button></form></main></body></html>`;
}

function bearer(request: IncomingMessage) {
  return /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

function clientFrom(request: IncomingMessage, form: URLSearchParams) {
  const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (basic) {
    const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':').map((part) => decodeURIComponent(part));
    return { id, secret };
  }
  return { id: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined };
}

export async function startFakeOAuth({ port, host = '127.0.0.1' }: { port: number; host?: string }) {
  const origin = `http://${host}:${port}`;
  const googleIssuer = `${origin}/google`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'fake-key-1', use: 'sig', alg: 'RS256' };
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, Grant>();

  function idToken(grant: Grant) {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: googleIssuer,
      aud: FAKE_OAUTH_CLIENTS.google.id,
      sub: grant.person.id,
      name: grant.person.name,
      iat: now,
      exp: now + 3600,
      ...(grant.nonce ? { nonce: grant.nonce } : {}),
      ...(grant.person.email ? { email: grant.person.email, email_verified: grant.person.verified } : {}),
    };
    const signingInput = `${base64url(JSON.stringify({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
    return `${signingInput}.${base64url(createSign('RSA-SHA256').update(signingInput).sign(privateKey))}`;
  }

  async function token(provider: Provider, request: IncomingMessage, response: ServerResponse) {
    const form = await readForm(request);
    const client = clientFrom(request, form);
    const expected = FAKE_OAUTH_CLIENTS[provider];
    const refuse = (status: number, error: string, description: string) => {
      // Shown in the runner's output: why a sign-in test never came back.
      console.error(`[fake-oauth] ${provider} token request refused: ${description}`);
      send(response, status, { error, error_description: description });
    };
    if (client.id !== expected.id || client.secret !== expected.secret) return refuse(401, 'invalid_client', 'unknown client or wrong secret');
    const grant = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    if (!grant || grant.provider !== provider) return refuse(400, 'invalid_grant', 'unknown code');
    if (grant.redirectUri !== form.get('redirect_uri')) return refuse(400, 'invalid_grant', `redirect_uri ${form.get('redirect_uri')} is not ${grant.redirectUri}`);
    const verifier = form.get('code_verifier');
    if (grant.codeChallenge && (!verifier || base64url(createHash('sha256').update(verifier).digest()) !== grant.codeChallenge)) {
      return refuse(400, 'invalid_grant', 'PKCE verification failed');
    }
    const accessToken = base64url(randomBytes(24));
    remember(tokens, accessToken, grant);
    if (provider === 'github') return send(response, 200, { access_token: accessToken, token_type: 'bearer', scope: 'read:user,user:email' });
    return send(response, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope: 'openid email profile', id_token: idToken(grant) });
  }

  function githubApi(path: string, request: IncomingMessage, response: ServerResponse) {
    const grant = tokens.get(bearer(request) ?? '');
    if (!grant || grant.provider !== 'github') return send(response, 401, { message: 'Bad credentials' });
    const { person } = grant;
    if (path === '/api/v3/user') {
      // Like GitHub: the profile shows a public email only, here only a verified one.
      return send(response, 200, { id: Number(person.id), login: `user${person.id}`, name: person.name, email: person.verified ? person.email || null : null, avatar_url: null });
    }
    // Without an email, like a token that may not read addresses.
    if (!person.email) return send(response, 403, { message: 'Resource not accessible by integration' });
    return send(response, 200, [{ email: person.email, primary: true, verified: person.verified, visibility: 'private' }]);
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    const route = `${request.method} ${url.pathname}`;
    const handle = async () => {
      switch (route) {
        case 'GET /login/oauth/authorize':
          return send(response, 200, consentPage('github', url.searchParams));
        case 'GET /google/authorize':
          return send(response, 200, consentPage('google', url.searchParams));
        case 'POST /github/approve':
        case 'POST /google/approve': {
          const provider: Provider = url.pathname.startsWith('/github') ? 'github' : 'google';
          const form = await readForm(request);
          const redirectUri = form.get('redirect_uri') ?? '';
          if (form.get('client_id') !== FAKE_OAUTH_CLIENTS[provider].id || !redirectUri) return send(response, 400, 'unknown client');
          const person = { id: form.get('person_id') ?? '', name: form.get('person_name') ?? '', email: form.get('person_email') ?? '', verified: form.has('person_verified') };
          const code = base64url(randomBytes(24));
          remember(codes, code, { provider, person, redirectUri, codeChallenge: form.get('code_challenge'), nonce: form.get('nonce') });
          const target = new URL(redirectUri);
          target.searchParams.set('code', code);
          if (form.get('state')) target.searchParams.set('state', form.get('state') ?? '');
          response.writeHead(302, { Location: target.href });
          return response.end();
        }
        case 'POST /login/oauth/access_token':
          return token('github', request, response);
        case 'POST /google/token':
          return token('google', request, response);
        case 'GET /api/v3/user':
        case 'GET /api/v3/user/emails':
          return githubApi(url.pathname, request, response);
        case 'GET /google/.well-known/openid-configuration':
          return send(response, 200, {
            issuer: googleIssuer,
            authorization_endpoint: `${googleIssuer}/authorize`,
            token_endpoint: `${googleIssuer}/token`,
            jwks_uri: `${googleIssuer}/jwks`,
            userinfo_endpoint: `${googleIssuer}/userinfo`,
            response_types_supported: ['code'],
            subject_types_supported: ['public'],
            id_token_signing_alg_values_supported: ['RS256'],
            code_challenge_methods_supported: ['S256'],
          });
        case 'GET /google/userinfo': {
          const grant = tokens.get(bearer(request) ?? '');
          if (!grant || grant.provider !== 'google') return send(response, 401, { error: 'invalid_token' });
          const { person } = grant;
          return send(response, 200, { sub: person.id, name: person.name, ...(person.email ? { email: person.email, email_verified: person.verified } : {}) });
        }
        case 'GET /google/jwks':
          return send(response, 200, { keys: [jwk] });
        default:
          return send(response, 404, { error: 'not_found' });
      }
    };
    handle().catch(() => send(response, 400, { error: 'invalid_request' }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    origin,
    githubUrl: origin,
    googleIssuer,
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      server.closeAllConnections();
      await closed;
    },
  };
}
