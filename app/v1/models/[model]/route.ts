import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/route';
import { offeredModels, openAIModel } from '@/lib/openai-api';

export const dynamic = 'force-dynamic';

/** OpenAI's `GET /v1/models/{model}`. */
export const GET = route({ auth: 'api-key' }, ({ params }) => {
  const model = typeof params.model === 'string' ? params.model : '';
  if (!offeredModels().includes(model)) throw new AppError('not_found:model', `The model \`${model.slice(0, 100)}\` does not exist or you do not have access to it.`);
  return Response.json(openAIModel(model), { headers: { 'Cache-Control': 'no-store' } });
});
