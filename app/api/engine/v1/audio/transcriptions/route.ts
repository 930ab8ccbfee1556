import { randomUUID } from 'node:crypto';
import { sniffAudioFormat } from '@/lib/audio/format';
import { engineErrors } from '@/lib/engine/errors';
import { OpenAIError } from '@/lib/http/openai-error';
import { engineUserOf } from '@/lib/engine/fairness';
import { bearerMatches } from '@/lib/engine/key';
import { getEngineQueue } from '@/lib/engine/queue-instance';
import { canDecode, probeDuration } from '@/lib/engine/recognizer';
import { ENGINE_SSE_HEADERS, engineEventStream, engineResultResponse, logFailure } from '@/lib/engine/response';
import { ENGLISH, engineFieldsSchema } from '@/lib/engine/schema';
import { getEngineStatus } from '@/lib/engine/status';
import { getEngineKey } from '@/lib/engine/target';
import { transcribeFile } from '@/lib/engine/transcribe';
import { receiveEngineUpload, type EngineUpload } from '@/lib/engine/upload';
import { getConfig } from '@/lib/env';
import { route } from '@/lib/http/route';
import { log } from '@/lib/log';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
/** A recognition streams its text for as long as it runs. */
export const maxDuration = 800;

/** A full line frees a place within minutes; the app tells its user to try again in a minute. */
const BUSY_RETRY_AFTER_SECONDS = 60;

/**
 * The built-in offline engine, an OpenAI-compatible `POST /audio/transcriptions`. The app's
 * upstream client calls it like any other upstream, on the address this server listens on; it
 * authenticates by its own generated key, not by a session, and reads its own upload under its own cap.
 */
export const POST = route({ auth: 'engine-key', body: 'own' }, async ({ request }) => {
  const requestId = /^[\w.:-]{1,128}$/.exec(request.headers.get('x-client-request-id') ?? '')?.[0] ?? randomUUID();
  const headers = { 'x-request-id': requestId };
  if (getConfig().transcription.engine !== 'builtin') return engineErrors.disabled().toResponse(headers);
  if (!bearerMatches(request.headers.get('authorization'), getEngineKey())) return engineErrors.invalidKey().toResponse(headers);
  const status = getEngineStatus();
  if (!status.available) return engineErrors.unavailable(status.missing).toResponse(headers);
  const busy = () => {
    log.warn('engine.busy', { requestId, ...getEngineQueue().state() });
    return engineErrors.queueFull().toResponse({ ...headers, 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) });
  };
  const queue = getEngineQueue();
  // Checked again when the job takes its place; this spares a full line the upload.
  if (queue.isFull()) return busy();

  let upload: EngineUpload;
  try {
    upload = await receiveEngineUpload(request, requestId, request.signal);
  } catch (error) {
    return failure(error, requestId, headers, request.signal);
  }
  let handedOff = false;
  try {
    const { file } = upload;
    if (!file) return engineErrors.missingFile().toResponse(headers);
    const fields = engineFieldsSchema.safeParse(upload.fields);
    if (!fields.success) {
      const issue = fields.error.issues[0];
      return engineErrors.invalidField(String(issue?.path[0] ?? 'body'), issue?.message ?? 'Invalid request.').toResponse(headers);
    }
    const { language, stream, response_format: format } = fields.data;
    if (language && !ENGLISH.has(language)) return engineErrors.unsupportedLanguage(language).toResponse(headers);
    const container = file.bytes > 0 ? sniffAudioFormat(file.head)?.container : undefined;
    if (!container) return engineErrors.notAudio().toResponse(headers);
    const input = { file: file.path, container };
    if (!(await canDecode(input, request.signal))) return engineErrors.undecodable().toResponse(headers);
    // Before the job takes a place in line: hours of audio must not hold the engine.
    const { maxAudioSeconds } = getConfig().engine;
    const audioSeconds = await probeDuration(input, maxAudioSeconds, request.signal);
    if (audioSeconds === undefined) return engineErrors.undecodable().toResponse(headers);
    if (audioSeconds > maxAudioSeconds) return engineErrors.tooLong(maxAudioSeconds).toResponse(headers);
    const ticket = queue.enter(engineUserOf(request.headers));
    if (!ticket) return busy();
    const job = { requestId, input, audioSeconds, ticket };

    if (stream) {
      handedOff = true;
      const body = engineEventStream({
        requestId,
        requestSignal: request.signal,
        cleanup: upload.dispose,
        run: async (events, signal) => {
          const result = await transcribeFile({
            ...job,
            signal,
            onPosition: (position) => events.comment(`waiting ${position}`),
            onDelta: (delta) => events.send({ type: 'transcript.text.delta', delta }),
          });
          events.send({ type: 'transcript.text.done', ...result });
        },
      });
      return new Response(body, { headers: { ...ENGINE_SSE_HEADERS, ...headers } });
    }
    const result = await transcribeFile({ ...job, signal: request.signal });
    return engineResultResponse(result, format, headers);
  } catch (error) {
    return failure(error, requestId, headers, request.signal);
  } finally {
    if (!handedOff) await upload.dispose();
  }
});

function failure(error: unknown, requestId: string, headers: Record<string, string>, signal: AbortSignal) {
  if (signal.aborted) log.info('engine.aborted', { requestId });
  else logFailure(requestId, error);
  return (error instanceof OpenAIError ? error : engineErrors.recognizerFailed()).toResponse(headers);
}
