import { APP_BASE_URL } from './constants';

/** Creates a personal API key as the signed-in user would, through POST /api/keys. */
export async function createApiKey(cookie: string, name: string, baseUrl = APP_BASE_URL): Promise<{ id: string; key: string }> {
  const response = await fetch(`${baseUrl}/api/keys`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201) throw new Error(`creating a key answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: string; key: string };
}

export function revokeApiKey(cookie: string, id: string, baseUrl = APP_BASE_URL) {
  return fetch(`${baseUrl}/api/keys/${id}`, { method: 'DELETE', headers: { cookie } });
}
