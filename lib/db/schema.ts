import type { Generated, Insertable, Selectable } from 'kysely';

export type TranscriptStatus = 'transcribing' | 'done' | 'failed' | 'cancelled';

export type TranscriptSourceKind = 'upload' | 'recording' | 'api';

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  password_hash: string | null;
  created_at: string;
}

export interface TranscriptsTable {
  id: string;
  user_id: string;
  title: string;
  file_name: string;
  language: string | null;
  prompt: string | null;
  status: TranscriptStatus;
  text: string;
  error_code: string | null;
  error_message: string | null;
  audio_key: string | null;
  audio_type: string;
  audio_bytes: number;
  duration_seconds: number | null;
  usage_json: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  /** When the current transcription began (a re-transcription starts later than created_at). */
  started_at: string | null;
  /** The upstream's text while the user's edit replaces it; null when the text is unedited. */
  original_text: string | null;
  edited_at: string | null;
  /** The instance running the transcription, while status is transcribing. */
  lease_owner: string | null;
  /** When another instance may take the transcription over (ISO); renewed by the owner's heartbeat. */
  lease_expires_at: string | null;
  /** Where the audio came from: `upload`, `recording` (made in the app) or `api` (a personal key). */
  source: Generated<TranscriptSourceKind>;
  /** For `api`: the key's id and its name as it was then; both stay when the key is revoked. */
  api_key_id: string | null;
  api_key_name: string | null;
}

/** A text the transcript had before it was transcribed again. */
export interface TranscriptVersionsTable {
  id: string;
  transcript_id: string;
  user_id: string;
  text: string;
  language: string | null;
  prompt: string | null;
  created_at: string;
}

export interface ShareLinksTable {
  id: string;
  transcript_id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  last_viewed_at: string | null;
  view_count: Generated<number>;
  name: string | null;
  expires_at: string | null;
  include_audio: Generated<number>;
}

/** One transcription started (an upload or a re-transcription), for the quotas; outlives the transcript. */
export interface TranscriptionUsageTable {
  /** An upload's row has its transcript's id, so that the bytes can be set once the upload is complete. */
  id: string;
  user_id: string;
  started_at: string;
  audio_bytes: number;
  /** The audio's duration once known (long audio), for the daily duration allowance. */
  audio_seconds: Generated<number>;
  /** When the transcription ended; null while it runs (it holds one of the user's in-flight slots). */
  ended_at: string | null;
}

/** One counted request for a rate limit: see `takeRateLimitHit` in rate-limits.ts. */
export interface RateLimitHitsTable {
  id: string;
  /** What is limited, e.g. `search`. */
  bucket: string;
  /** Whom it is counted for, e.g. a user id or a client address. */
  key: string;
  at: string;
}

/** A provider account that signs in as a user: linked from Settings or created by its first sign-in. */
export interface OAuthIdentitiesTable {
  provider: 'github' | 'google';
  provider_account_id: string;
  user_id: string;
  /** The provider's email at linking time, for display; never used to find the user. */
  email: string | null;
  created_at: string;
}

/**
 * One throttle key (a sign-in address, an account at an address, a sign-up address): a counter
 * for its current window and, for growing delays, the earliest time of the next attempt.
 * Times are epoch milliseconds so that the arithmetic stays in SQL, in any dialect.
 */
export interface AuthAttemptsTable {
  key: string;
  count: number;
  window_started_ms: number;
  delay_ms: Generated<number>;
  next_attempt_ms: Generated<number>;
  updated_ms: number;
}

export type TranscriptPartStatus = 'transcribing' | 'done';

/** One part of a long audio file (see lib/transcription/parts.ts); part_index is 0-based. */
export interface TranscriptPartsTable {
  transcript_id: string;
  user_id: string;
  part_index: number;
  start_seconds: number;
  duration_seconds: number;
  status: TranscriptPartStatus;
  text: string;
  updated_at: string;
}

/** A resumable (tus) upload of one user's audio; its bytes are the chunks below, in order. */
export interface ResumableUploadsTable {
  id: string;
  user_id: string;
  /** Bytes the whole upload will have; null while deferred (a recording still running). */
  upload_length: number | string | null;
  /** Bytes committed: every chunk up to here is stored. Moves only by `commitResumableUploadChunk`. */
  upload_offset: Generated<number | string>;
  /** The client's file name: a transcript's title only, never a storage key. */
  file_name: string;
  /** The content type the client declared (an audio type). */
  declared_type: string;
  /** The container sniffed from the first bytes, once they are stored. */
  audio_type: string | null;
  language: string | null;
  prompt: string | null;
  /** The transcript that took the upload over (while it grows, and while its bytes are moved into the transcript's audio). */
  claimed_by: string | null;
  /** 1 when created with a deferred length (a recording), else 0. */
  deferred_length: Generated<number>;
  created_at: string;
  updated_at: string;
  expires_at: string;
}

/** One committed run of an upload's bytes, stored as one object in the audio store. */
export interface ResumableUploadChunksTable {
  upload_id: string;
  start_offset: number | string;
  byte_count: number;
  storage_key: string;
}

/** A personal key for the OpenAI-compatible `/v1` API; only its hash is stored. */
export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 (hex) of the whole key. */
  key_hash: string;
  /** The key's first characters, to tell keys apart. */
  displayed: string;
  created_at: string;
  last_used_at: string | null;
  call_count: number;
}

export interface Database {
  users: UsersTable;
  transcripts: TranscriptsTable;
  share_links: ShareLinksTable;
  transcript_versions: TranscriptVersionsTable;
  transcript_parts: TranscriptPartsTable;
  transcription_usage: TranscriptionUsageTable;
  rate_limit_hits: RateLimitHitsTable;
  oauth_identities: OAuthIdentitiesTable;
  auth_attempts: AuthAttemptsTable;
  resumable_uploads: ResumableUploadsTable;
  resumable_upload_chunks: ResumableUploadChunksTable;
  api_keys: ApiKeysTable;
}

export type User = Selectable<UsersTable>;
export type Transcript = Selectable<TranscriptsTable>;
export type NewTranscript = Insertable<TranscriptsTable>;
export type ShareLink = Selectable<ShareLinksTable>;
export type TranscriptVersion = Selectable<TranscriptVersionsTable>;
export type OAuthIdentity = Selectable<OAuthIdentitiesTable>;
export type TranscriptPart = Selectable<TranscriptPartsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
