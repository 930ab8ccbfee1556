import { OpenAIError } from '@/lib/http/openai-error';

export const engineErrors = {
  disabled: () => new OpenAIError(404, 'The built-in engine is off: this server uses the service set in TRANSCRIBE_BASE_URL.', { code: 'engine_disabled' }),
  invalidKey: () => new OpenAIError(401, 'Incorrect API key provided.', { code: 'invalid_api_key' }),
  unavailable: (missing: string[]) =>
    new OpenAIError(503, `The offline engine is not installed on this server (missing: ${missing.join(', ')}).`, { code: 'engine_unavailable' }),
  notMultipart: () => new OpenAIError(400, 'Send the request as multipart/form-data.', { code: 'invalid_request' }),
  malformed: () => new OpenAIError(400, 'The multipart body is malformed.', { code: 'invalid_request' }),
  missingFile: () => new OpenAIError(400, "Missing required parameter: 'file'.", { param: 'file', code: 'missing_required_parameter' }),
  tooLarge: (limit: number) => new OpenAIError(413, `Maximum content size limit (${limit}) exceeded.`, { param: 'file', code: 'request_too_large' }),
  notAudio: () =>
    new OpenAIError(400, 'The file is not audio in a supported format: mp3, mp4, m4a, wav, webm or ogg.', { param: 'file', code: 'invalid_file_format' }),
  undecodable: () => new OpenAIError(400, 'The audio could not be decoded. The file may be damaged.', { param: 'file', code: 'invalid_file_format' }),
  invalidField: (param: string, message: string, code = 'invalid_value') => new OpenAIError(400, message, { param, code }),
  unsupportedLanguage: (language: string) =>
    new OpenAIError(
      400,
      `The offline engine recognises English only, not "${language}". Choose English or automatic detection, or connect a transcription service with TRANSCRIBE_BASE_URL and TRANSCRIBE_API_KEY.`,
      { param: 'language', code: 'unsupported_language' },
    ),
  tooLong: (maxSeconds: number) =>
    new OpenAIError(400, `The audio is longer than ${maxSeconds / 60} minutes, the most this engine accepts (ENGINE_MAX_AUDIO_MINUTES). Split it into shorter parts.`, {
      param: 'file',
      code: 'audio_too_long',
    }),
  queueFull: () =>
    new OpenAIError(429, 'The offline engine is busy: its queue is full. Try again in a minute.', { type: 'server_error', code: 'engine_busy' }),
  deadline: (seconds: number) =>
    new OpenAIError(500, `The offline engine stopped this job after ${seconds} seconds, its time limit for audio of this length.`, { code: 'engine_timeout' }),
  recognizerFailed: () => new OpenAIError(500, 'The offline engine failed while recognising this audio.', { code: 'server_error' }),
};

export function asEngineError(error: unknown): OpenAIError {
  return error instanceof OpenAIError ? error : engineErrors.recognizerFailed();
}
