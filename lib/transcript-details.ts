import type { Transcript, TranscriptStatus, TranscriptVersion } from '@/lib/db/schema';

/** What the upstream reported it used, whichever way it counts. */
export type TranscriptUsage = { inputTokens?: number; outputTokens?: number; totalTokens?: number; seconds?: number };

export type TranscriptVersionDetails = { id: string; text: string; language: string | null; prompt: string | null; replacedAt: string };

/** What the owner's pages and API show of a transcript. */
export type TranscriptDetails = {
  id: string;
  title: string;
  status: TranscriptStatus;
  text: string;
  language: string | null;
  prompt: string | null;
  createdAt: string;
  startedAt: string;
  completedAt: string | null;
  editedAt: string | null;
  audioBytes: number;
  audioType: string;
  durationSeconds: number | null;
  usage: TranscriptUsage | null;
  error: { code: string; message: string } | null;
  versions: TranscriptVersionDetails[];
};

const numberOrUndefined = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Providers report usage differently (tokens or seconds): read what is there, ignore the rest. */
export function parseUsage(usageJson: string | null): TranscriptUsage | null {
  if (!usageJson) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(usageJson);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const usage = raw as Record<string, unknown>;
  const parsed: TranscriptUsage = {
    inputTokens: numberOrUndefined(usage.input_tokens),
    outputTokens: numberOrUndefined(usage.output_tokens),
    totalTokens: numberOrUndefined(usage.total_tokens),
    seconds: numberOrUndefined(usage.seconds),
  };
  const known = Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== undefined)) as TranscriptUsage;
  return Object.keys(known).length > 0 ? known : null;
}

export function toTranscriptDetails({
  transcript,
  liveText,
  versions = [],
}: {
  transcript: Transcript;
  liveText?: string;
  versions?: Pick<TranscriptVersion, 'id' | 'text' | 'language' | 'prompt' | 'created_at'>[];
}): TranscriptDetails {
  return {
    id: transcript.id,
    title: transcript.title,
    status: transcript.status,
    text: liveText ?? transcript.text,
    language: transcript.language,
    prompt: transcript.prompt,
    createdAt: transcript.created_at,
    startedAt: transcript.started_at ?? transcript.created_at,
    completedAt: transcript.completed_at,
    editedAt: transcript.edited_at,
    audioBytes: transcript.audio_bytes,
    audioType: transcript.audio_type,
    durationSeconds: transcript.duration_seconds,
    usage: parseUsage(transcript.usage_json),
    error: transcript.error_code ? { code: transcript.error_code, message: transcript.error_message ?? '' } : null,
    versions: versions.map((version) => ({ id: version.id, text: version.text, language: version.language, prompt: version.prompt, replacedAt: version.created_at })),
  };
}
