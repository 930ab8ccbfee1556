'use client';

import { useCallback, useRef, useState } from 'react';
import type { RecordingSession } from './recorder-session';
import { type RecordingUpload, startRecordingUpload } from './recording-upload';
import type { ResumableUploadSettings } from './resumable-upload';

/** A recording transcribed while it records: handed to the form as it starts. */
export type LiveRecording = {
  id: string;
  fileName: string;
  upload: RecordingUpload;
  /** Its file once it stopped; null once it was discarded (or nothing was recorded). */
  stopped: Promise<File | null>;
};

/**
 * The upload that runs beside a recording where the server takes long audio (`settings`): it
 * starts with the recording and takes each chunk once the device has it. Handed to `onLive`, it
 * is transcribed from the start; otherwise it is handed on at Stop with only the tail left to
 * send. Without settings a recording uploads after Stop, as a file.
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
  const liveRef = useRef<{ upload: RecordingUpload; stopped?: (file: File | null) => void } | null>(null);
  /** How much of the recording the server holds; null when nothing uploads while recording. */
  const [serverMs, setServerMs] = useState<number | null>(null);

  const onSaved = useCallback((piece: Blob, durationMs: number) => liveRef.current?.upload.append(piece, durationMs), []);

  /** Call once the session exists: its chunks arrive a timeslice later at the earliest. */
  function begin(session: Pick<RecordingSession, 'id' | 'fileName' | 'mimeType'>, onLive?: (live: LiveRecording) => void) {
    setServerMs(settings ? 0 : null);
    if (!settings) return;
    const upload = startRecordingUpload({
      settings,
      userId,
      recordingId: session.id,
      fileName: session.fileName,
      fileType: session.mimeType,
      language,
      prompt,
      onServerDuration: setServerMs,
    });
    liveRef.current = { upload };
    if (!onLive) return;
    const stopped = new Promise<File | null>((resolve) => (liveRef.current = { upload, stopped: resolve }));
    onLive({ id: session.id, fileName: session.fileName, upload, stopped });
  }

  /**
   * The recording ended with `file` (null: discarded or empty): the upload sends what is left and
   * declares its length. `transcribing`: it was handed on at the start, so there is nothing to review.
   */
  function finish(file: File | null): { upload: RecordingUpload | undefined; transcribing: boolean } {
    const live = liveRef.current;
    liveRef.current = null;
    live?.upload.end();
    live?.stopped?.(file);
    return { upload: live?.upload, transcribing: Boolean(live?.stopped) };
  }

  return { serverMs, onSaved, begin, finish };
}
