/** Containers MediaRecorder may produce, in order of preference, with the extension the upstream expects. */
const RECORDING_CONTAINERS = [
  { mimeType: 'audio/webm;codecs=opus', extension: 'webm' },
  { mimeType: 'audio/mp4', extension: 'm4a' },
  { mimeType: 'audio/ogg;codecs=opus', extension: 'ogg' },
] as const;

/** Speech stays clear at this rate, and an hour fits well under the 25 MB upload limit. */
export const RECORDING_BITS_PER_SECOND = 48_000;

/** Each chunk reaches the device's storage within this long of being spoken. */
export const RECORDING_TIMESLICE_MS = 1_000;

/** The first container this browser can record; undefined lets the browser pick its default. */
export function chooseRecordingMimeType(isTypeSupported: (mimeType: string) => boolean): string | undefined {
  return RECORDING_CONTAINERS.find(({ mimeType }) => isTypeSupported(mimeType))?.mimeType;
}

/**
 * The extension for what the recorder actually produced (`recorder.mimeType`, read after
 * `start()`, e.g. "audio/webm;codecs=opus" or "audio/mp4;codecs=mp4a.40.2"); the upstream
 * refuses a name that does not match the container. Undefined for a container it does not take.
 */
export function extensionForRecordingType(mimeType: string): string | undefined {
  const essence = mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (essence === 'audio/webm' || essence === 'video/webm') return 'webm';
  if (essence === 'audio/mp4' || essence === 'video/mp4' || essence === 'audio/x-m4a' || essence === 'audio/aac') return 'm4a';
  if (essence === 'audio/ogg' || essence === 'application/ogg') return 'ogg';
  return undefined;
}

/** The type a saved recording is uploaded with: the container without its codec parameters. */
export function uploadTypeForRecording(mimeType: string): string {
  const extension = extensionForRecordingType(mimeType);
  return extension === 'm4a' ? 'audio/mp4' : extension ? `audio/${extension}` : mimeType;
}

/** "Recording 2026-03-12 14.05.webm": sortable, readable as a history title, no path characters. */
export function recordingFileName(startedAt: Date, extension: string) {
  const pad = (value: number) => String(value).padStart(2, '0');
  const day = `${startedAt.getFullYear()}-${pad(startedAt.getMonth() + 1)}-${pad(startedAt.getDate())}`;
  return `Recording ${day} ${pad(startedAt.getHours())}.${pad(startedAt.getMinutes())}.${extension}`;
}
