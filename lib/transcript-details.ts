import type { Transcript, TranscriptStatus } from '@/lib/db/schema';

/** What the owner's pages and API show of a transcript. */
export type TranscriptDetails = {
  id: string;
  title: string;
  status: TranscriptStatus;
  text: string;
  language: string | null;
  prompt: string | null;
  createdAt: string;
  completedAt: string | null;
  audioBytes: number;
  audioType: string;
  durationSeconds: number | null;
  error: { code: string; message: string } | null;
};

export function toTranscriptDetails(transcript: Transcript, liveText?: string): TranscriptDetails {
  return {
    id: transcript.id,
    title: transcript.title,
    status: transcript.status,
    text: liveText ?? transcript.text,
    language: transcript.language,
    prompt: transcript.prompt,
    createdAt: transcript.created_at,
    completedAt: transcript.completed_at,
    audioBytes: transcript.audio_bytes,
    audioType: transcript.audio_type,
    durationSeconds: transcript.duration_seconds,
    error: transcript.error_code ? { code: transcript.error_code, message: transcript.error_message ?? '' } : null,
  };
}
