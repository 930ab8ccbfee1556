import { SNIFF_BYTES, sniffAudioFormat } from '@/lib/audio/format';
import { formatBytes } from '@/lib/format';

/** Why this file cannot be sent, in words for the person who chose it; null when it can. `maxBytes`: the server's MAX_UPLOAD_MB. */
export async function audioFileProblem(file: File, maxBytes: number): Promise<string | null> {
  if (file.size > maxBytes) return `“${file.name}” is ${formatBytes(file.size, ' ')}; the limit is ${formatBytes(maxBytes, ' ')}.`;
  if (file.size === 0) return `“${file.name}” is empty. Choose another file.`;
  let head: Uint8Array;
  try {
    head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  } catch {
    return `“${file.name}” could not be read. Choose it again.`;
  }
  if (!sniffAudioFormat(head)) return `“${file.name}” is not an audio file we can transcribe (MP3, MP4, M4A, WAV, WebM, Ogg).`;
  return null;
}
