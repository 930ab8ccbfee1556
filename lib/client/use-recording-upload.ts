'use client';

import { useCallback, useRef, useState } from 'react';
import type { RecordingSession } from './recorder-session';
import { type RecordingUpload, startRecordingUpload } from './recording-upload';
import type { ResumableUploadSettings } from './resumable-upload';

/**
 * The upload that runs beside a recording where the server takes long audio (`settings`): it
 * starts with the recording, takes each chunk once the device has it, and is handed on at Stop
 * with only the tail left to send. Without settings a recording uploads after Stop, as a file.
 */
export function useRecordingUpload({
  userId,
  settings,
  language,
  prompt,
}: {
  userId: string;
  settings: ResumableUploadSettings | undefined;
  language: string;
  prompt: string;
}) {
  const liveRef = useRef<RecordingUpload | null>(null);
  /** How much of the recording the server holds; null when nothing uploads while recording. */
  const [serverMs, setServerMs] = useState<number | null>(null);

  const onSaved = useCallback((piece: Blob, durationMs: number) => liveRef.current?.append(piece, durationMs), []);

  /** Call once the session exists: its chunks arrive a timeslice later at the earliest. */
  function begin(session: Pick<RecordingSession, 'id' | 'fileName' | 'mimeType'>) {
    setServerMs(settings ? 0 : null);
    if (!settings) return;
    liveRef.current = startRecordingUpload({
      settings,
      userId,
      recordingId: session.id,
      fileName: session.fileName,
      fileType: session.mimeType,
      language,
      prompt,
      onServerDuration: setServerMs,
    });
  }

  /** The recording ended: the upload sends what is left and declares its length. */
  function finish(): RecordingUpload | undefined {
    const live = liveRef.current ?? undefined;
    liveRef.current = null;
    live?.end();
    return live;
  }

  return { serverMs, onSaved, begin, finish };
}
