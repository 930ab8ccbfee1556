import { route } from '@/lib/http/route';
import { toOpenAIError } from '@/lib/http/openai-error';
import { openAIEventStream, openAIFieldCheck, openAIJsonResult, TRANSCRIPT_ID_HEADER } from '@/lib/openai-api';
import { SSE_HEADERS } from '@/lib/transcription/responses';
import { startTranscription } from '@/lib/transcription/start';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
/** A streamed answer lasts as long as the transcription. */
export const maxDuration = 800;

/**
 * OpenAI's `POST /v1/audio/transcriptions` for a personal API key: the same transcription as a
 * browser upload (limits, quota, stored audio, history, live follow), answered as OpenAI answers.
 */
export const POST = route({ auth: 'api-key', body: 'own' }, async ({ request, userId, apiKey }) => {
  const { job, options } = await startTranscription({
    request,
    userId,
    source: { kind: 'api', keyId: apiKey.id, keyName: apiKey.name },
    fieldCheck: openAIFieldCheck,
  });
  const headers = { [TRANSCRIPT_ID_HEADER]: job.id };

  if (options.stream) {
    return new Response(openAIEventStream(job), { headers: { ...SSE_HEADERS, ...headers } });
  }
  const result = await job.finished;
  if (!result.ok) return toOpenAIError(result.error).toResponse(headers);
  return options.response_format === 'text'
    ? new Response(`${result.text}\n`, { headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } })
    : Response.json(openAIJsonResult({ id: job.id, text: result.text, usage: result.usage }), { headers });
});
