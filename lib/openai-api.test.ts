import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { toOpenAIError } from '@/lib/http/openai-error';
import { offeredModels, openAIFieldCheck, servedModel } from './openai-api';

/** The refusal as a client would receive it (status and body), or undefined when accepted. */
const refusal = (fields: Record<string, string>, final = true) => {
  try {
    openAIFieldCheck.check(new Map(Object.entries(fields)), final);
    return undefined;
  } catch (error) {
    const openAI = toOpenAIError(error);
    return { status: openAI.status, ...openAI.toBody().error };
  }
};

describe('the /v1 fields', () => {
  it('take the names clients send and the configured model as the one model served', () => {
    expect(offeredModels()).toEqual([servedModel(), 'whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe']);
    for (const model of offeredModels()) expect(refusal({ model })).toBeUndefined();
  });

  it.each([
    [{ model: 'gpt-5' }, 404, { code: 'model_not_found', param: 'model', type: 'invalid_request_error' }],
    [{}, 400, { code: 'missing_required_parameter', param: 'model' }],
    [{ model: 'whisper-1', response_format: 'srt' }, 400, { code: 'unsupported_value', param: 'response_format' }],
    [{ model: 'whisper-1', response_format: 'vtt' }, 400, { code: 'unsupported_value', param: 'response_format' }],
    [{ model: 'whisper-1', response_format: 'verbose_json' }, 400, { code: 'unsupported_value', param: 'response_format' }],
  ])('refuse %o as OpenAI does', (fields, status, expected) => {
    expect(refusal(fields)).toMatchObject({ status, ...expected });
  });

  it('wait for the whole body before asking for a missing model', () => {
    expect(refusal({}, false)).toBeUndefined();
    expect(refusal({ model: 'nope' }, false)).toMatchObject({ code: 'model_not_found' });
  });

  it('map our errors to the statuses OpenAI’s clients turn into their typed errors', () => {
    const mapped = (code: `${string}:${string}`) => toOpenAIError(new AppError(code as ConstructorParameters<typeof AppError>[0], 'm'));
    expect(mapped('payload_too_large:transcription')).toMatchObject({ status: 413, details: { code: 'request_too_large', param: 'file' } });
    expect(mapped('unsupported_media_type:transcription')).toMatchObject({ status: 400, details: { code: 'invalid_file_format' } });
    expect(mapped('upstream:transcription').status).toBe(502);
    expect(toOpenAIError(new Error('secret detail')).toBody().error).toMatchObject({ type: 'server_error', message: expect.not.stringContaining('secret') });
  });
});
