import 'server-only';

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SNIFF_BYTES, sniffAudioFormat } from '@/lib/audio/format';
import { getAudioStore } from '@/lib/audio-store';
import {
  commitResumableUploadChunk,
  deleteExpiredResumableUploads,
  deleteResumableUpload,
  getResumableUpload,
  listResumableUploadChunks,
  type ResumableUpload,
} from '@/lib/db/resumable-uploads';
import { getConfig } from '@/lib/env';
import { AppError, UPLOAD_STALLED } from '@/lib/errors';
import { log } from '@/lib/log';
import { ByteSource } from './byte-source';

// An upload's bytes are chunk objects in the audio store (the local folder or Vercel Blob), each
// one run of at most CHUNK_BYTES, listed in the database with its start offset. A chunk counts
// only once its object is complete and its row is committed together with the new offset, so
// the offset never covers bytes that are not stored; a request cut off mid-chunk loses that
// chunk's bytes only, and its half-written object is deleted (or, on the local folder, never
// leaves its temporary name). Any instance can read and continue any upload.

/** The most one chunk object holds: a cut-off request loses at most this much. */
export const CHUNK_BYTES = 8 * 1024 * 1024;
/** How often a reader following a growing upload looks for new chunks. */
const FOLLOW_POLL_MS = 500;
/** Uploads whose time ran out, deleted per sweep. */
const SWEEP_BATCH = 50;

const newChunkKey = () => `chunk_${randomBytes(16).toString('hex')}`;

export const uploadNotFound = () => new AppError('not_found:upload', 'This upload does not exist. Upload the file again.');

const notAudio = () => new AppError('unsupported_media_type:upload', 'This file is not audio we can transcribe. Use MP3, MP4, M4A, WAV, WebM or Ogg.');

/** Thrown when another request moved the offset first: nothing of this request's current chunk was kept. */
export class OffsetMovedError extends Error {
  constructor() {
    super('The upload offset moved');
  }
}

async function deleteObjects(keys: string[]) {
  const store = getAudioStore();
  const results = await Promise.allSettled(keys.map((key) => store.delete(key)));
  const failed = results.filter((result) => result.status === 'rejected').length;
  if (failed > 0) log.error('resumable.delete_chunks', { failed, of: keys.length });
}

/** Deletes the owner's upload and its stored bytes; false when there was none of theirs. */
export async function removeUpload({ id, userId }: { id: string; userId: string }) {
  const upload = await getResumableUpload({ id, userId });
  if (!upload) return false;
  await deleteObjects(await deleteResumableUpload({ id, userId }));
  return true;
}

/** One sweep: deletes uploads (and their bytes) whose 24 hours are over. */
export async function sweepExpiredUploads() {
  const keys = await deleteExpiredResumableUploads({ limit: SWEEP_BATCH });
  await deleteObjects(keys);
  return keys.length;
}

/**
 * The container proven by the upload's first bytes (those stored plus those arriving), once
 * there are enough of them; undefined while there are not. Not audio: the upload is deleted.
 */
async function sniffFirstBytes(upload: ResumableUpload, source: ByteSource) {
  const stored = upload.offset > 0 ? await bytesOf(openUploadStream({ id: upload.id, userId: upload.userId, end: SNIFF_BYTES })) : new Uint8Array();
  const arriving = await source.peek(SNIFF_BYTES - stored.byteLength);
  const head = new Uint8Array(stored.byteLength + arriving.byteLength);
  head.set(stored);
  head.set(arriving, stored.byteLength);
  const whole = upload.length !== undefined && head.byteLength >= upload.length;
  if (head.byteLength < SNIFF_BYTES && !whole) return undefined;
  const format = sniffAudioFormat(head);
  if (!format) {
    await removeUpload(upload);
    throw notAudio();
  }
  return format.mimeType;
}

/**
 * Appends a request body at `offset`, chunk by chunk; the new offset. Each chunk is stored, then
 * committed with a conditional update of the offset: when another request (on any instance)
 * moved it first, this chunk is deleted and OffsetMovedError thrown. An error of the body (the
 * client went away) keeps every chunk committed before it. `onCommitted` hears each commit, with
 * the transcript that has claimed the upload at that moment.
 */
export async function appendToUpload({
  upload,
  body,
  chunkBytes = CHUNK_BYTES,
  onCommitted,
}: {
  upload: ResumableUpload;
  body: AsyncIterable<Uint8Array>;
  chunkBytes?: number;
  onCommitted?: (claim: { claimedBy: string | undefined }) => void;
}) {
  const store = getAudioStore();
  const source = new ByteSource(body);
  let position = upload.offset;
  let audioType = upload.audioType;
  while (await source.hasMore()) {
    const sniffed = audioType ? undefined : await sniffFirstBytes({ ...upload, offset: position }, source);
    const key = newChunkKey();
    let bytes: number;
    try {
      ({ bytes } = await store.put(key, source.take(chunkBytes)));
    } catch (error) {
      await store.delete(key).catch(() => undefined);
      throw error;
    }
    const committed = await commitResumableUploadChunk({ id: upload.id, userId: upload.userId, start: position, bytes, storageKey: key, audioType: sniffed }).catch(
      async (error: unknown) => {
        await store.delete(key).catch(() => undefined);
        throw error;
      },
    );
    if (!committed) {
      await store.delete(key).catch(() => undefined);
      throw new OffsetMovedError();
    }
    onCommitted?.(committed);
    position += bytes;
    audioType ??= sniffed;
  }
  return position;
}

async function bytesOf(stream: ReadableStream<Uint8Array>) {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export type UploadReadOptions = {
  id: string;
  userId: string;
  /** First byte (default 0). */
  start?: number;
  /** Byte after the last one (default: the end of the upload). */
  end?: number;
  /**
   * Keep reading as the upload grows, until its (declared) end: for work that starts before the
   * upload is complete. Without it the stream ends with the bytes stored so far.
   */
  follow?: boolean;
  /** While following: hears every look for new bytes, a sign that the upload is alive even when nothing arrives. */
  onPoll?: () => void;
  signal?: AbortSignal;
};

/** A followed upload that stops growing for UPLOAD_WAIT_SECONDS pauses its transcription, which goes on when it grows again. */
export const uploadStalled = () =>
  new AppError(
    UPLOAD_STALLED,
    `No audio has arrived for ${waitDescription(getConfig().longAudio.uploadWaitMs)}, so the transcription is paused with the text so far. It goes on by itself when the upload continues.`,
  );

function waitDescription(ms: number) {
  const minutes = Math.round(ms / 60_000);
  return minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${Math.round(ms / 1000)} seconds`;
}

async function* uploadBytes({ id, userId, start = 0, end = Number.POSITIVE_INFINITY, follow = false, onPoll, signal }: UploadReadOptions) {
  const store = getAudioStore();
  let position = start;
  let seenOffset = -1;
  let grewAt = Date.now();
  for (;;) {
    signal?.throwIfAborted();
    const upload = await getResumableUpload({ id, userId });
    if (!upload) throw uploadNotFound();
    if (upload.offset !== seenOffset) {
      seenOffset = upload.offset;
      grewAt = Date.now();
    } else if (Date.now() - grewAt > getConfig().longAudio.uploadWaitMs) {
      throw uploadStalled();
    }
    onPoll?.();
    const stop = Math.min(end, upload.length ?? Number.POSITIVE_INFINITY);
    for (const chunk of await listResumableUploadChunks({ id, userId, from: position })) {
      if (position >= stop) return;
      const last = Math.min(chunk.start + chunk.bytes, stop) - 1;
      const stored = await store.get(chunk.storageKey, { start: position - chunk.start, end: last - chunk.start });
      if (!stored) throw uploadNotFound();
      const reader = stored.body.getReader();
      try {
        for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
      } finally {
        reader.releaseLock();
      }
      position = last + 1;
    }
    if (position >= stop || !follow) return;
    await sleep(FOLLOW_POLL_MS, undefined, { signal });
  }
}

/**
 * The upload's bytes from `start` as one stream, chunk after chunk (ranged reads, so that a
 * player's Range request maps onto it), optionally following it while it grows.
 */
export function openUploadStream(options: UploadReadOptions): ReadableStream<Uint8Array> {
  const iterator = uploadBytes(options);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel() {
        await iterator.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Moves a complete upload into the audio store as the one object `key` (what the player and the
 * transcription read), then deletes the upload and its chunks. `onStored` runs in between (the
 * transcript records its audio): a crash before the upload is gone leaves it to be moved again.
 */
export async function moveUploadToAudio({ upload, key, onStored }: { upload: ResumableUpload; key: string; onStored?: (bytes: number) => Promise<void> }) {
  const store = getAudioStore();
  const { bytes } = await store.put(key, openUploadStream({ id: upload.id, userId: upload.userId }));
  if (bytes !== upload.length) {
    await store.delete(key).catch(() => undefined);
    throw new AppError('internal:storage', 'The upload could not be read back whole. Upload the file again.');
  }
  await onStored?.(bytes);
  await deleteObjects(await deleteResumableUpload({ id: upload.id, userId: upload.userId }));
}
