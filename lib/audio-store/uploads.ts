import { ACCEPTED_AUDIO_MIME_TYPES, MAX_AUDIO_BYTES } from '@/lib/audio/format';

/**
 * Pathnames of direct uploads: `uploads/<userId>/<uuid>`. The server decides the shape and the
 * prefix; the browser only draws the random part. The client's file name never appears.
 */
const UPLOAD_PATHNAME = /^uploads\/[A-Za-z0-9-]{8,64}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function uploadPrefixFor(userId: string) {
  return `uploads/${userId}/`;
}

export function isUploadPathname(pathname: string) {
  return UPLOAD_PATHNAME.test(pathname);
}

/** Whether the pathname is one of this user's upload pathnames (and nothing else, e.g. no `..`). */
export function isUploadPathnameOf(pathname: string, userId: string) {
  return isUploadPathname(pathname) && pathname.startsWith(uploadPrefixFor(userId));
}

/** What an upload token allows: the accepted containers' types, the transcription size limit. */
export const UPLOAD_CONSTRAINTS = {
  allowedContentTypes: ACCEPTED_AUDIO_MIME_TYPES,
  maximumSizeInBytes: MAX_AUDIO_BYTES,
  /** Long enough for the SDK's retries to start the upload, short enough to be useless if leaked. */
  validityMs: 5 * 60 * 1000,
};

/**
 * The origin browsers upload to when audio is kept in Vercel Blob (the client SDK's API address,
 * fixed when the app is built), for the pages' Content-Security-Policy; undefined without Blob.
 */
export function directUploadOrigin(): string | undefined {
  if (!process.env.BLOB_READ_WRITE_TOKEN?.trim()) return undefined;
  return new URL(process.env.NEXT_PUBLIC_VERCEL_BLOB_API_URL || 'https://vercel.com/api/blob').origin;
}
