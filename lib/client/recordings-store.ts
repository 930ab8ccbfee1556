import { uploadTypeForRecording } from './recorder-format';

/**
 * Recordings kept on this device until the server has stored them. Chunks are saved as
 * ArrayBuffers as they arrive (WebKit has had bugs storing Blobs in IndexedDB), so a reload,
 * crash or closed tab leaves everything recorded up to the last second.
 */
export type StoredRecording = {
  id: string;
  /** The account that recorded it: on a shared browser, each person sees only their own. */
  ownerId: string;
  fileName: string;
  /** What MediaRecorder reported, e.g. "audio/webm;codecs=opus". */
  mimeType: string;
  startedAt: number;
  durationMs: number;
  bytes: number;
  /** "recording" after a reload means it was interrupted: still complete up to its last chunk. */
  state: 'recording' | 'stopped';
  /** Set once the server has stored a copy; the local one stays until the transcript is done. */
  transcriptId?: string;
};

type StoredChunk = { recordingId: string; seq: number; data: ArrayBuffer };

const DATABASE_NAME = 'verbatim-recordings';
const RECORDINGS = 'recordings';
const CHUNKS = 'chunks';

let opening: Promise<IDBDatabase> | undefined;

function request<T>(req: IDBRequest<T>) {
  return new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function completion(transaction: IDBTransaction) {
  return new Promise<void>((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new DOMException('The transaction was aborted', 'AbortError'));
  });
}

function openDatabase() {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(DATABASE_NAME, 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore(RECORDINGS, { keyPath: 'id' });
      open.result.createObjectStore(CHUNKS, { keyPath: ['recordingId', 'seq'] });
    };
    open.onsuccess = () => {
      // Another tab upgrading the schema must not be blocked by this one.
      open.result.onversionchange = () => {
        open.result.close();
        opening = undefined;
      };
      resolve(open.result);
    };
    open.onerror = () => {
      opening = undefined;
      reject(open.error);
    };
  });
  return opening;
}

async function transact(mode: IDBTransactionMode, work: (recordings: IDBObjectStore, chunks: IDBObjectStore) => void) {
  const transaction = (await openDatabase()).transaction([RECORDINGS, CHUNKS], mode, { durability: 'strict' });
  const done = completion(transaction);
  work(transaction.objectStore(RECORDINGS), transaction.objectStore(CHUNKS));
  await done;
}

const chunksOf = (id: string) => IDBKeyRange.bound([id, 0], [id, Infinity]);

export async function createRecording(recording: Pick<StoredRecording, 'id' | 'ownerId' | 'fileName' | 'mimeType' | 'startedAt'>) {
  await transact('readwrite', (recordings) => {
    recordings.add({ ...recording, durationMs: 0, bytes: 0, state: 'recording' } satisfies StoredRecording);
  });
}

/** Changes a recording within the transaction; nothing happens when it was discarded meanwhile. */
function update(recordings: IDBObjectStore, id: string, change: (recording: StoredRecording) => StoredRecording) {
  recordings.get(id).onsuccess = (event) => {
    const recording = (event.target as IDBRequest<StoredRecording | undefined>).result;
    if (recording) recordings.put(change(recording));
  };
}

/** Saves one chunk and the recording's new length in one transaction: both or neither. */
export async function appendRecordingChunk({ id, seq, data, durationMs }: { id: string; seq: number; data: ArrayBuffer; durationMs: number }) {
  await transact('readwrite', (recordings, chunks) =>
    update(recordings, id, (recording) => {
      chunks.put({ recordingId: id, seq, data } satisfies StoredChunk);
      return { ...recording, bytes: recording.bytes + data.byteLength, durationMs };
    }),
  );
}

export async function finishRecording(id: string, durationMs: number) {
  await transact('readwrite', (recordings) => update(recordings, id, (recording) => ({ ...recording, durationMs, state: 'stopped' })));
}

/** Notes the server's copy, so a page closed before the transcript is done can point to it. */
export async function markRecordingSent(id: string, transcriptId: string) {
  await transact('readwrite', (recordings) => update(recordings, id, (recording) => ({ ...recording, transcriptId })));
}

export async function getRecording(id: string): Promise<StoredRecording | undefined> {
  const transaction = (await openDatabase()).transaction(RECORDINGS, 'readonly');
  return request<StoredRecording | undefined>(transaction.objectStore(RECORDINGS).get(id));
}

/** The owner's recordings with audio, newest first. Empty ones (stopped before their first second) are dropped. */
export async function listRecordings({ ownerId, exceptId }: { ownerId: string; exceptId?: string }): Promise<StoredRecording[]> {
  const transaction = (await openDatabase()).transaction(RECORDINGS, 'readonly');
  const all = await request<StoredRecording[]>(transaction.objectStore(RECORDINGS).getAll());
  const others = all.filter((recording) => recording.ownerId === ownerId && recording.id !== exceptId);
  await Promise.all(others.filter((recording) => recording.bytes === 0).map((recording) => deleteRecording(recording.id)));
  return others.filter((recording) => recording.bytes > 0).sort((a, b) => b.startedAt - a.startedAt);
}

/** The recording as a file to play or upload, its chunks in order; undefined once it is gone. */
export async function readRecordingFile(id: string): Promise<File | undefined> {
  const transaction = (await openDatabase()).transaction([RECORDINGS, CHUNKS], 'readonly');
  const [recording, chunks] = await Promise.all([
    request<StoredRecording | undefined>(transaction.objectStore(RECORDINGS).get(id)),
    request<StoredChunk[]>(transaction.objectStore(CHUNKS).getAll(chunksOf(id))),
  ]);
  if (!recording) return undefined;
  return new File(
    chunks.map((chunk) => chunk.data),
    recording.fileName,
    { type: uploadTypeForRecording(recording.mimeType), lastModified: recording.startedAt },
  );
}

export async function deleteRecording(id: string) {
  await transact('readwrite', (recordings, chunks) => {
    chunks.delete(chunksOf(id));
    recordings.delete(id);
  });
}
