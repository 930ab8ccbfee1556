import { UPLOAD_STALLED } from '@/lib/errors';
import type { ApiKey, ShareLink, Transcript, TranscriptPart, TranscriptPartStatus, TranscriptStatus, TranscriptVersion } from '@/lib/db/schema';

// Every API object made from database rows is made here: the owner's transcript, a row of the
// history, a share link. Pages that render server-side use the same functions as the API.

/**
 * Where a transcript's audio came from: a file chosen in the browser, a recording made in the
 * app, or the `/v1` API with a personal key (its id, and its name as it was: the key may since have
 * been revoked or others named alike).
 */
export type TranscriptSource = { kind: 'upload' } | { kind: 'recording' } | { kind: 'api'; keyId: string | null; keyName: string };

export function toTranscriptSource(row: Pick<Transcript, 'source' | 'api_key_id' | 'api_key_name'>): TranscriptSource {
  if (row.source === 'api') return { kind: 'api', keyId: row.api_key_id, keyName: row.api_key_name ?? '' };
  return { kind: row.source === 'recording' ? 'recording' : 'upload' };
}

/** The source in words, as History and the transcript page show it. */
export function describeSource(source: TranscriptSource) {
  if (source.kind === 'api') return `API · ${source.keyName}`;
  return source.kind === 'recording' ? 'Recording' : 'Uploaded file';
}

/** What the upstream reported it used, whichever way it counts. */
export type TranscriptUsage = { inputTokens?: number; outputTokens?: number; totalTokens?: number; seconds?: number };

/** A part of long audio (transcribed in parts): where it starts in the audio, and its text once done. index is 1-based. */
export type TranscriptPartDetails = { index: number; startSeconds: number; durationSeconds: number; status: TranscriptPartStatus; text: string };

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
  /** Failed only because its upload stopped growing: it goes on by itself when the upload does. */
  paused: boolean;
  versions: TranscriptVersionDetails[];
  /** Empty unless the audio was long enough to be transcribed in parts. */
  parts: TranscriptPartDetails[];
  source: TranscriptSource;
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
  parts = [],
}: {
  transcript: Transcript;
  liveText?: string;
  versions?: Pick<TranscriptVersion, 'id' | 'text' | 'language' | 'prompt' | 'created_at'>[];
  parts?: Pick<TranscriptPart, 'part_index' | 'start_seconds' | 'duration_seconds' | 'status' | 'text'>[];
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
    paused: isPausedOnUpload(transcript),
    versions: versions.map((version) => ({ id: version.id, text: version.text, language: version.language, prompt: version.prompt, replacedAt: version.created_at })),
    parts: parts.map((part) => ({ index: part.part_index + 1, startSeconds: part.start_seconds, durationSeconds: part.duration_seconds, status: part.status, text: part.text })),
    source: toTranscriptSource(transcript),
  };
}

/** A transcript that ended only because its upload stopped growing (a closed laptop): it goes on when the upload does. */
export function isPausedOnUpload({ status, error_code }: Pick<Transcript, 'status' | 'error_code'>) {
  return status === 'failed' && error_code === UPLOAD_STALLED;
}

/** One row of GET /api/transcriptions. */
export type HistoryItem = {
  id: string;
  title: string;
  status: TranscriptStatus;
  createdAt: string;
  audioBytes: number;
  durationSeconds: number | null;
  preview: string;
  errorMessage: string | null;
  /** Failed only because its upload stopped growing: it goes on by itself when the upload does. */
  paused: boolean;
  editedAt: string | null;
  /** With a search: the title and a snippet of the text, matches marked (see `splitMarked`). */
  titleMarked: string | null;
  snippet: string | null;
  source: TranscriptSource;
};

export function toHistoryItem(
  row: Pick<
    Transcript,
    'id' | 'title' | 'status' | 'created_at' | 'edited_at' | 'audio_bytes' | 'duration_seconds' | 'error_code' | 'error_message' | 'source' | 'api_key_id' | 'api_key_name'
  > & {
    text_start: string;
    titleMarked: string | null;
    snippet: string | null;
  },
): HistoryItem {
  return {
    id: row.id,
    title: row.title,
    titleMarked: row.titleMarked,
    status: row.status,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    audioBytes: row.audio_bytes,
    durationSeconds: row.duration_seconds,
    preview: row.text_start.split('\n')[0]?.slice(0, 200) ?? '',
    snippet: row.snippet,
    errorMessage: row.error_message,
    paused: isPausedOnUpload(row),
    source: toTranscriptSource(row),
  };
}

/** One share link as its owner sees it. */
export type ShareLinkDetails = {
  id: string;
  name: string | null;
  createdAt: string;
  expiresAt: string | null;
  /** As of when the list was read. */
  expired: boolean;
  includeAudio: boolean;
  lastViewedAt: string | null;
  viewCount: number;
};

export function toShareLinkDetails(link: Pick<ShareLink, 'id' | 'name' | 'created_at' | 'expires_at' | 'include_audio' | 'last_viewed_at' | 'view_count'>): ShareLinkDetails {
  return {
    id: link.id,
    name: link.name,
    createdAt: link.created_at,
    expiresAt: link.expires_at,
    expired: link.expires_at !== null && Date.parse(link.expires_at) <= Date.now(),
    includeAudio: link.include_audio === 1,
    lastViewedAt: link.last_viewed_at,
    viewCount: link.view_count,
  };
}

/** One personal API key as its owner sees it: never the key, which is shown once, at creation. */
export type ApiKeyDetails = { id: string; name: string; displayed: string; createdAt: string; lastUsedAt: string | null; calls: number };

export function toApiKeyDetails(key: Pick<ApiKey, 'id' | 'name' | 'displayed' | 'created_at' | 'last_used_at' | 'call_count'>): ApiKeyDetails {
  return { id: key.id, name: key.name, displayed: key.displayed, createdAt: key.created_at, lastUsedAt: key.last_used_at, calls: Number(key.call_count) };
}
