import { createApiKey } from '@/lib/api-key';
import { createApiKeyForUser, getApiKeysByUserId } from '@/lib/db/api-keys';
import { AppError } from '@/lib/errors';
import { parseJsonBody } from '@/lib/http/body';
import { route } from '@/lib/http/route';
import { toApiKeyDetails } from '@/lib/transcript-details';
import { apiKeyCreateSchema, MAX_API_KEYS_PER_USER } from './schema';

/** The user's API keys: names, first characters and use; never a key. */
export const GET = route({ auth: 'session' }, async ({ userId }) => {
  const keys = await getApiKeysByUserId({ userId });
  return Response.json({ keys: keys.map(toApiKeyDetails) }, { headers: { 'Cache-Control': 'no-store' } });
});

/** Creates a key for the `/v1` API. The key is in this answer only: just its hash is kept. */
export const POST = route({ auth: 'session' }, async ({ request, userId }) => {
  const { name } = await parseJsonBody(request, apiKeyCreateSchema);
  const { key, keyHash, displayed } = createApiKey();
  const created = await createApiKeyForUser({ userId, name, keyHash, displayed, maxKeys: MAX_API_KEYS_PER_USER });
  if (!created) {
    throw new AppError('conflict:api_keys', `You have ${MAX_API_KEYS_PER_USER} API keys, the most one account may have. Revoke one you no longer use first.`);
  }
  return Response.json({ id: created.id, name: created.name, key, details: toApiKeyDetails(created) }, { status: 201, headers: { 'Cache-Control': 'no-store' } });
});
