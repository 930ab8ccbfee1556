/** Where the tus endpoint lives (app/(app)/api/uploads/resumable/[[...id]]). */
export const RESUMABLE_UPLOAD_PATH = '/api/uploads/resumable';

/** A Vercel function takes at most 4.5 MB of body: with Blob (i.e. on Vercel) each PATCH stays below it. */
export const BLOB_CHUNK_BYTES = 4 * 1024 * 1024;
/** Elsewhere larger requests mean fewer round trips; a cut-off one still loses at most one stored chunk. */
export const LOCAL_CHUNK_BYTES = 64 * 1024 * 1024;

/** What the browser's client (lib/client/resumable-upload.ts) needs to know; the page passes it down. */
export type ResumableUploadSettings = { endpoint: string; chunkSize: number; maxBytes: number };
