import { GrowingAudio, recordingFingerprint, startResumableUpload, type ResumableUploadOutcome, type ResumableUploadSettings } from './resumable-upload';

/** How far into a recording its first `bytes` reach: what the device knew when each chunk was saved. */
export type RecordingMark = { bytes: number; durationMs: number };

/** The recording's length the server holds once it stored `acceptedBytes`: up to the last whole chunk within them. */
export function durationUpToBytes(marks: readonly RecordingMark[], acceptedBytes: number): number {
  let low = 0;
  let high = marks.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((marks[middle]?.bytes ?? Infinity) <= acceptedBytes) low = middle + 1;
    else high = middle;
  }
  return low === 0 ? 0 : (marks[low - 1]?.durationMs ?? 0);
}

/** A recording's resumable upload, fed chunk by chunk as each is saved on the device. */
export type RecordingUpload = {
  append: (piece: Blob, durationMs: number) => void;
  /** Stop was pressed: what is left goes up, and the upload declares its length. */
  end: () => void;
  done: Promise<ResumableUploadOutcome>;
  /** The upload's id once it exists on the server: what its transcription is asked for by. */
  uploadId: Promise<string>;
  /** Stops sending (the server refused to transcribe it); the upload stays until it expires. */
  pause: () => void;
  /** Stops and deletes the upload on the server (the recording was discarded). */
  abort: () => Promise<void>;
};

export type RecordingUploadInput = {
  settings: ResumableUploadSettings;
  userId: string;
  recordingId: string;
  fileName: string;
  /** What MediaRecorder reported, or the saved recording's type. */
  fileType: string;
  language?: string;
  prompt?: string;
  /** Chunks already on the device (a recording resumed after a reload): the server's offset decides what is sent again. */
  initial?: Blob[];
  /** The recording has stopped already: only the upload is left. */
  ended?: boolean;
  /** The length of the recording the server holds, whenever it stored more. */
  onServerDuration?: (durationMs: number) => void;
};

/**
 * Starts (or, after a reload, resumes from the server's offset) the deferred-length upload of a
 * recording. The fingerprint is the recording's id on the device, so a reload finds the same
 * upload; waiting out offline stretches is startResumableUpload's.
 */
export function startRecordingUpload(input: RecordingUploadInput): RecordingUpload {
  const source = new GrowingAudio({ initial: input.initial });
  const marks: RecordingMark[] = [];
  let ended = Boolean(input.ended);
  let appended = (input.initial ?? []).reduce((sum, piece) => sum + piece.size, 0);
  if (ended) source.end();
  let announce: (uploadId: string) => void = () => undefined;
  const uploadId = new Promise<string>((resolve) => (announce = resolve));
  const handle = startResumableUpload({
    source,
    settings: input.settings,
    fingerprint: recordingFingerprint(input.userId, input.recordingId),
    fileName: input.fileName,
    fileType: input.fileType,
    language: input.language,
    prompt: input.prompt,
    recorded: true,
    onAccepted: (bytes) => input.onServerDuration?.(durationUpToBytes(marks, bytes)),
    onUploadId: (id) => announce(id),
  });
  return {
    append: (piece, durationMs) => {
      // Throwing here would break the recorder's chain of writes, and with it its end.
      if (ended) return;
      source.append(piece);
      appended += piece.size;
      marks.push({ bytes: appended, durationMs });
    },
    end: () => {
      ended = true;
      source.end();
    },
    done: handle.done,
    uploadId,
    pause: handle.pause,
    abort: handle.abort,
  };
}
