export type AudioFormat = { container: 'mp3' | 'mp4' | 'm4a' | 'wav' | 'webm' | 'ogg'; extension: string; mimeType: string };

/** Bytes needed to recognise every accepted container (the WebM DocType sits within them). */
export const SNIFF_BYTES = 64;

/** Files are capped below the upstream's 25 MiB request limit to leave room for the multipart envelope. */
export const MAX_AUDIO_BYTES = 25_000_000;

export const ACCEPTED_AUDIO_EXTENSIONS = ['mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'wav', 'webm', 'ogg'] as const;

const formats = {
  mp3: { container: 'mp3', extension: 'mp3', mimeType: 'audio/mpeg' },
  mp4: { container: 'mp4', extension: 'mp4', mimeType: 'audio/mp4' },
  m4a: { container: 'm4a', extension: 'm4a', mimeType: 'audio/mp4' },
  wav: { container: 'wav', extension: 'wav', mimeType: 'audio/wav' },
  webm: { container: 'webm', extension: 'webm', mimeType: 'audio/webm' },
  ogg: { container: 'ogg', extension: 'ogg', mimeType: 'audio/ogg' },
} as const satisfies Record<string, AudioFormat>;

/** The MIME types the accepted containers are stored and served as. */
export const ACCEPTED_AUDIO_MIME_TYPES: string[] = [...new Set(Object.values(formats).map(({ mimeType }) => mimeType))];

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

function isMpegAudioFrame(bytes: Uint8Array) {
  const [first, second] = bytes;
  if (first !== 0xff || second === undefined || (second & 0xe0) !== 0xe0) return false;
  const version = (second >> 3) & 0b11;
  const layer = (second >> 1) & 0b11;
  // Layer 00 with a sync word is AAC ADTS, which the upstream does not take.
  return version !== 0b01 && layer !== 0b00;
}

/**
 * The container that the first bytes of a file prove, whatever its name says; undefined when it
 * is none of the accepted ones.
 */
export function sniffAudioFormat(bytes: Uint8Array): AudioFormat | undefined {
  if (bytes.length < 4) return undefined;
  if (ascii(bytes, 0, 3) === 'ID3' || isMpegAudioFrame(bytes)) return formats.mp3;
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12);
    return brand === 'M4A ' || brand === 'M4B ' ? formats.m4a : formats.mp4;
  }
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') return formats.wav;
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
    return ascii(bytes, 4, Math.min(bytes.length, SNIFF_BYTES)).includes('webm') ? formats.webm : undefined;
  }
  if (ascii(bytes, 0, 4) === 'OggS') return formats.ogg;
  return undefined;
}

/** The format of audio stored under this MIME type (as recorded when it was sniffed). */
export function hasAcceptedAudioExtension(fileName: string) {
  const extension = fileName.split('.').pop()?.toLowerCase() ?? '';
  return (ACCEPTED_AUDIO_EXTENSIONS as readonly string[]).includes(extension);
}
