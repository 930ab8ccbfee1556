'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { RecordingToSend } from '@/components/recorder';
import { Button } from '@/components/ui/button';
import { formatBytes, formatDuration, formatRelativeDate } from '@/lib/format';
import { deleteRecording, readRecordingFile, type StoredRecording } from '@/lib/client/recordings-store';

/** Recordings still on this device and not on the server: after a failed upload, a reload or a crash. */
export function RecordingsPending({
  recordings,
  busy,
  onTranscribe,
  onChanged,
}: {
  recordings: StoredRecording[];
  busy: boolean;
  onTranscribe: (recording: RecordingToSend) => void;
  onChanged: () => void;
}) {
  const [confirmingId, setConfirmingId] = useState<string | null>(null);

  if (recordings.length === 0) return null;
  const heading = recordings.length === 1 ? '1 recording not yet transcribed' : `${recordings.length} recordings not yet transcribed`;

  async function transcribe(id: string) {
    const file = await readRecordingFile(id).catch(() => undefined);
    if (file) onTranscribe({ id, file });
    else onChanged();
  }

  async function discard(id: string) {
    setConfirmingId(null);
    await deleteRecording(id).catch(() => undefined);
    onChanged();
  }

  return (
    <section aria-labelledby="pending-heading" className="rounded-xl border border-amber-300 bg-amber-50/60 p-4 dark:border-amber-900/70 dark:bg-amber-950/20">
      <h2 id="pending-heading" className="font-medium">
        {heading}
      </h2>
      <p className="mt-0.5 text-sm text-neutral-600 dark:text-neutral-400">Kept on this device until they are transcribed.</p>
      <ul aria-label="Recordings on this device" className="mt-3 divide-y divide-amber-200 dark:divide-amber-900/50">
        {recordings.map((recording) => {
          const when = formatRelativeDate(new Date(recording.startedAt).toISOString());
          const description = `${formatDuration(recording.durationMs / 1000)}, ${when}`;
          return (
            <li key={recording.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 py-3 first:pt-0 last:pb-0">
              <div className="min-w-0 text-sm">
                <p className="font-medium tabular-nums">{description}</p>
                <p className="text-neutral-600 dark:text-neutral-400">
                  {formatBytes(recording.bytes)}
                  {recording.state === 'recording' ? ' · interrupted, kept up to its last second' : ''}
                </p>
                {recording.transcriptId ? (
                  <Link href={`/transcripts/${recording.transcriptId}`} className="inline-flex min-h-11 items-center text-blue-700 underline underline-offset-2 dark:text-blue-400">
                    Sent once already: see that transcript
                  </Link>
                ) : null}
              </div>
              {confirmingId === recording.id ? (
                <div role="group" aria-label={`Discard the recording of ${description}?`} className="flex w-full flex-wrap items-center gap-2 sm:w-auto">
                  <span className="text-sm text-red-800 dark:text-red-200">Discard for good?</span>
                  <Button onClick={() => setConfirmingId(null)}>Keep</Button>
                  <Button variant="danger" onClick={() => void discard(recording.id)}>
                    Discard recording
                  </Button>
                </div>
              ) : (
                <div className="grid w-full grid-cols-2 gap-2 sm:flex sm:w-auto">
                  <Button aria-label={`Discard recording of ${description}`} onClick={() => setConfirmingId(recording.id)}>
                    Discard
                  </Button>
                  <Button variant="primary" aria-label={`Transcribe recording of ${description}`} disabled={busy} onClick={() => void transcribe(recording.id)}>
                    Transcribe
                  </Button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
