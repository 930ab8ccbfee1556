import { route } from '@/lib/http/route';
import { offeredModels, openAIModel } from '@/lib/openai-api';

export const dynamic = 'force-dynamic';

/** OpenAI's `GET /v1/models`: the names this server answers to, all the one configured model. */
export const GET = route({ auth: 'api-key' }, () => Response.json({ object: 'list', data: offeredModels().map(openAIModel) }, { headers: { 'Cache-Control': 'no-store' } }));
