import { deleteApiKeyById } from '@/lib/db/api-keys';
import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/route';
import { apiKeyIdSchema } from '../schema';

/** Revokes one of the user's keys: its next request is refused. Another user's key is a 404. */
export const DELETE = route({ auth: 'session' }, async ({ params, userId }) => {
  const id = apiKeyIdSchema.safeParse(params.id);
  if (!id.success || !(await deleteApiKeyById({ id: id.data, userId }))) throw new AppError('not_found:api_key', 'This API key does not exist.');
  return new Response(null, { status: 204 });
});
