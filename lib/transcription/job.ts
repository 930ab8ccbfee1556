import 'server-only';

import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_AUDIO_BYTES, type AudioFormat } from '@/lib/audio/format';
import { getAudioStore } from '@/lib/audio-store';
import { getJobBus, type JobMessage } from '@/lib/bus';
import { claimEndedTranscript, forgetTranscriptAudio, newTranscriptLease, releaseTranscriptLease, reopenFailedTranscript } from '@/lib/db/jobs';
import { deletePartsByTranscriptId } from '@/lib/db/parts';
import { getResumableUpload, releaseResumableUploadClaim } from '@/lib/db/resumable-uploads';
import {
  completeTranscript,
  createTranscript,
  deleteTranscriptById,
  endTranscriptWithoutText,
  getTranscriptById,
  restartTranscript,
  updateTranscriptProgress,
} from '@/lib/db/transcripts';
import { getConfig } from '@/lib/env';
import { AppError, UPLOAD_STALLED } from '@/lib/errors';
import { log } from '@/lib/log';
import { processSingleton } from '@/lib/process-singleton';
import { moveUploadToAudio, openUploadStream, uploadNotFound } from '@/lib/resumable/storage';
import type { TranscriptSource } from '@/lib/transcript-details';
import type { StoredUpload } from './blob-source';
import { deltaPieces, type TranscriptEvent } from './events';
import type { IncomingUpload } from './incoming';
import { instanceId, keepLease } from './lease';
import { transcribeInParts } from './parts';
import { abortable, createFeed, webStreamOf } from './push-stream';
import type { GrowingUpload } from './resumable-source';
import { openTranscription, retryDelayMs, type UpstreamOptions } from './upstream';
import { queuePositionOf } from './upstream-events';

const MAX_ATTEMPTS = 3;
const PROGRESS_SAVE_INTERVAL_MS = 500;
/** How long a cancel from another instance may take before the caller hears it did not work. */
const REMOTE_CANCEL_TIMEOUT_MS = 5000;
const REMOTE_CANCEL_REPEAT_MS = 500;
const AUDIO_KEPT = 'Your audio is kept; try again.';

export type JobResult = { ok: true; text: string; usage: unknown } | { ok: false; error: AppError };

type Listener = (event: TranscriptEvent) => void;

type Run = (job: TranscriptionJob) => Promise<string>;

/** A resumable upload still arriving, which the job reads as it grows; its length is undefined while deferred (a recording). */
export type FollowedUpload = Pick<GrowingUpload, 'uploadId' | 'format' | 'length' | 'recording'> & { options: UpstreamOptions };

type AttemptInput = {
  audio: ReadableStream<Uint8Array>;
  options: UpstreamOptions;
  lateOptions?: () => Promise<UpstreamOptions>;
  /** Lets the audio source go on without this consumer once the attempt has failed. */
  abandon?: () => void;
};

const registry = processSingleton('transcription-jobs', () => new Map<string, TranscriptionJob>());

const leaseLost = () => new AppError('conflict:lease', 'Another server has taken this transcription over.');

/** The running transcription for this id, if it runs in this process. */
export function getRunningJob(id: string) {
  return registry.get(id);
}

function titleFrom(fileName: string) {
  const stem = fileName.replace(/[\u0000-\u001f\u007f]/g, '').replace(/\.[^.]+$/, '').trim();
  return stem.slice(0, 120) || `Recording ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`;
}

function newTranscriptRow({
  id,
  userId,
  upload,
  audioBytes,
  source,
}: {
  id: string;
  userId: string;
  upload: Pick<IncomingUpload, 'fileName' | 'format' | 'options'>;
  audioBytes: number;
  source: TranscriptSource;
}) {
  return {
    id,
    user_id: userId,
    source: source.kind,
    api_key_id: source.kind === 'api' ? source.keyId : null,
    api_key_name: source.kind === 'api' ? source.keyName : null,
    title: titleFrom(upload.fileName),
    file_name: titleFrom(upload.fileName),
    language: upload.options.language ?? null,
    prompt: upload.options.prompt ?? null,
    error_code: null,
    error_message: null,
    audio_key: id,
    audio_type: upload.format.mimeType,
    audio_bytes: audioBytes,
    duration_seconds: null,
    usage_json: null,
    completed_at: null,
    ...newTranscriptLease({ instanceId, leaseMs: getConfig().jobs.leaseMs }),
  };
}

function durationFrom(usage: unknown): number | null {
  if (usage && typeof usage === 'object' && 'type' in usage && usage.type === 'duration' && 'seconds' in usage) {
    return typeof usage.seconds === 'number' ? usage.seconds : null;
  }
  return null;
}

function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  log.error('transcription.unexpected', { cause: error instanceof Error ? error.message : String(error) });
  return new AppError('internal:transcription', `Something went wrong while transcribing. ${AUDIO_KEPT}`);
}

function publish(id: string, message: JobMessage) {
  getJobBus()
    .publish(id, message)
    .catch((error: unknown) => log.warn('bus.publish_failed', { transcriptId: id, type: message.type, cause: error instanceof Error ? error.message : String(error) }));
}

/** Stops the transcription wherever it runs: here at once, on another instance through the bus. */
export function requestCancel(id: string) {
  const job = registry.get(id);
  if (job) job.cancel();
  else publish(id, { type: 'cancel' });
}

/**
 * Cancels the user's running transcription and waits until it has ended, on whichever instance
 * runs it. False when it was not running. The cancel is repeated until the transcript has ended,
 * for a job that had not yet subscribed when the first one went out.
 */
export async function cancelTranscription({ id, userId }: { id: string; userId: string }): Promise<boolean> {
  const local = registry.get(id);
  if (local) {
    local.cancel();
    await local.finished;
    return true;
  }
  const isRunning = async () => (await getTranscriptById({ id, userId }))?.status === 'transcribing';
  let heardEnd: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (heardEnd = resolve));
  const unsubscribe = await getJobBus()
    .subscribe(id, (message) => message.type === 'end' && heardEnd())
    .catch(() => () => undefined);
  try {
    if (!(await isRunning())) return false;
    const deadline = Date.now() + REMOTE_CANCEL_TIMEOUT_MS;
    do {
      publish(id, { type: 'cancel' });
      await Promise.race([ended, sleep(REMOTE_CANCEL_REPEAT_MS)]);
      if (!(await isRunning())) return true;
    } while (Date.now() < deadline);
    throw new AppError('timeout:cancel', 'The transcription did not stop in time. Try again.');
  } finally {
    unsubscribe();
  }
}

/**
 * One transcription: stores the audio and streams it to the upstream at the same time, keeps
 * the text in the database as it grows, and fans its events out to whoever listens, here and
 * on the other instances. It runs to its end whether or not the client that started it is still
 * connected, as long as this instance holds its lease.
 */
export class TranscriptionJob {
  readonly id: string;
  readonly userId: string;
  private readonly requestId: string;
  private readonly events: TranscriptEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly abortController = new AbortController();
  /** For the request log: sizes, times and the upstream's id, never content. */
  readonly metrics: { audioBytes: number; attempts: number; upstreamRequestId?: string; uploadCompletedAt?: number; firstDeltaAt?: number } = {
    audioBytes: 0,
    attempts: 0,
  };
  private text = '';
  private usage: unknown = null;
  private sentDelta = false;
  /** Long audio: the finished parts' text, which a failure keeps (not the current part's partial text). */
  private finishedPartsText: string | undefined;
  private uploadComplete = false;
  /** Set when the audio store failed: the transcription goes on, but there is nothing to retry from. */
  private storageFailed = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly stopLease: () => void;
  private readonly cancels: Promise<() => void>;
  private markReady!: () => void;
  private failBeforeReady!: (error: AppError) => void;
  /** Resolves when the client's response can begin: the audio is stored or the upstream answered. */
  readonly ready: Promise<void>;
  readonly finished: Promise<JobResult>;

  private constructor({ id, userId, requestId, run }: { id: string; userId: string; requestId: string; run: Run }) {
    this.id = id;
    this.userId = userId;
    this.requestId = requestId;
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failBeforeReady = reject;
    });
    this.ready.catch(() => undefined);
    registry.set(id, this);
    this.stopLease = keepLease({ id, userId, onLost: () => this.abortController.abort(leaseLost()) });
    this.cancels = getJobBus().subscribe(id, (message) => {
      if (message.type === 'cancel') this.cancel();
    });
    this.cancels.catch((error: unknown) => log.warn('bus.subscribe_failed', { transcriptId: id, cause: error instanceof Error ? error.message : String(error) }));
    this.emit({ type: 'transcript.created', id });
    this.touch();
    this.finished = run(this).then(
      (text) => this.succeed(text),
      (error: unknown) => this.fail(error),
    );
  }

  /**
   * Starts a transcription of an upload that is still arriving; `id` is its quota slot's, so that
   * the upload's bytes count toward the daily audio. A long upload (past the upstream's limit) is
   * stored and split while it arrives, then sent a part at a time; `declaredSeconds` is the
   * duration its client stated.
   */
  static async fromUpload({
    id,
    userId,
    upload,
    source,
    clientSignal,
    requestId,
    declaredSeconds,
  }: {
    id: string;
    userId: string;
    upload: IncomingUpload;
    source: TranscriptSource;
    clientSignal: AbortSignal;
    requestId: string;
    declaredSeconds?: number;
  }) {
    await createTranscript(newTranscriptRow({ id, userId, upload, audioBytes: 0, source }));
    return new TranscriptionJob({ id, userId, requestId, run: (job) => job.runUpload(upload, clientSignal, declaredSeconds) });
  }

  /** Transcribes, as a new transcript, a file that the browser uploaded to the store itself. */
  static async fromStoredUpload({ id, userId, upload, source, requestId }: { id: string; userId: string; upload: StoredUpload; source: TranscriptSource; requestId: string }) {
    await upload.adopt(id);
    try {
      await createTranscript(newTranscriptRow({ id, userId, upload, audioBytes: upload.bytes, source }));
      // The whole file is there already: it counts toward the daily audio at once.
      await updateTranscriptProgress({ id, userId, text: '', audioBytes: upload.bytes });
    } catch (error) {
      await getAudioStore().delete(id).catch(() => undefined);
      throw error;
    }
    return new TranscriptionJob({
      id,
      userId,
      requestId,
      run: (job) => {
        job.metrics.audioBytes = upload.bytes;
        return job.runStored(upload.format, upload.options);
      },
    });
  }

  /**
   * Transcribes a resumable upload while it is still arriving (a long file, a recording), as a
   * new transcript: the upload is claimed first, so that no other request transcribes it.
   */
  static async fromGrowingUpload({ id, userId, upload, source, requestId }: { id: string; userId: string; upload: GrowingUpload; source: TranscriptSource; requestId: string }) {
    await upload.claim(id);
    try {
      await createTranscript(newTranscriptRow({ id, userId, upload, audioBytes: 0, source }));
    } catch (error) {
      await upload.release(id).catch(() => undefined);
      throw error;
    }
    return new TranscriptionJob({ id, userId, requestId, run: (job) => job.runGrowing(upload, false) });
  }

  /**
   * Goes on with a transcript that paused because its upload stopped growing, after its finished
   * parts; undefined when it is not paused (any more): another request, on any instance, took it up.
   */
  static async resumePaused({ id, userId, upload, requestId }: { id: string; userId: string; upload: FollowedUpload; requestId: string }) {
    if (registry.has(id)) return undefined;
    if (!(await reopenFailedTranscript({ id, userId, instanceId, leaseMs: getConfig().jobs.leaseMs, errorCode: UPLOAD_STALLED }))) return undefined;
    return TranscriptionJob.resumeGrowing({ id, userId, upload, requestId });
  }

  /** Goes on following a growing upload whose transcript this instance took over, after its finished parts. */
  static resumeGrowing({ id, userId, upload, requestId }: { id: string; userId: string; upload: FollowedUpload; requestId: string }) {
    return new TranscriptionJob({ id, userId, requestId, run: (job) => job.runGrowing(upload, true) });
  }

  /** Transcribes audio that is already stored, e.g. to retry a failed transcription. */
  static async fromStoredAudio({ id, userId, format, options, requestId }: { id: string; userId: string; format: AudioFormat; options: UpstreamOptions; requestId: string }) {
    const conflict = () => new AppError('conflict:transcript', 'This transcript is already being transcribed.');
    if (registry.has(id)) throw conflict();
    // The lease is taken first, in one statement: of two requests on any instances, one wins.
    if (!(await claimEndedTranscript({ id, userId, instanceId, leaseMs: getConfig().jobs.leaseMs }))) throw conflict();
    try {
      await restartTranscript({ id, userId, language: options.language ?? null, prompt: options.prompt ?? null });
      await deletePartsByTranscriptId({ transcriptId: id, userId });
    } catch (error) {
      await releaseTranscriptLease({ id, userId, instanceId }).catch(() => undefined);
      throw error;
    }
    return TranscriptionJob.resume({ id, userId, format, options, requestId });
  }

  /**
   * Runs, from its stored audio, a transcription whose row and lease this instance already
   * holds: one taken over from an instance that stopped before any text was sent.
   */
  static resume({ id, userId, format, options, requestId }: { id: string; userId: string; format: AudioFormat; options: UpstreamOptions; requestId: string }) {
    return new TranscriptionJob({
      id,
      userId,
      requestId,
      run: (job) => job.runStored(format, options),
    });
  }

  /** Past events, then live ones, until the final event. Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    for (const event of this.events) listener(event);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  currentText() {
    return this.text;
  }

  cancel() {
    this.abortController.abort(new AppError('cancelled:transcription', 'The transcription was cancelled.'));
  }

  private get signal() {
    return this.abortController.signal;
  }

  private emit(event: TranscriptEvent) {
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
  }

  private addText(delta: string) {
    for (const piece of deltaPieces(this.text.length, delta)) publish(this.id, { type: 'delta', ...piece });
    this.text += delta;
    this.emit({ type: 'transcript.text.delta', delta });
  }

  /** Any sign of life (audio in, events out) postpones the idle timeout. */
  private touch() {
    // Called for every chunk of audio: restarting the timer allocates nothing. (A cleared timer stays cleared.)
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    const { idleTimeoutMs } = getConfig().transcription;
    this.idleTimer = setTimeout(() => {
      this.abortController.abort(new AppError('timeout:upstream', `The transcription stalled: nothing arrived for too long. ${AUDIO_KEPT}`));
    }, idleTimeoutMs);
    this.idleTimer.unref();
  }

  /** An upstream comment is a sign of life; a queue note is worth showing. */
  private hear(comment: string) {
    this.touch();
    const position = queuePositionOf(comment);
    if (position === undefined) return;
    this.emit({ type: 'transcript.waiting', position });
    publish(this.id, { type: 'waiting', position });
  }

  private async runStored(format: AudioFormat, options: UpstreamOptions): Promise<string> {
    this.uploadComplete = true;
    this.markReady();
    if (((await getAudioStore().size(this.id)) ?? 0) > MAX_AUDIO_BYTES) {
      // Long audio resumes at its first unfinished part.
      return transcribeInParts(this.partsHost(), { input: await this.storedAudio(), container: format.container, options: () => options, resume: true });
    }
    return this.transcribe(format, async () => ({ audio: await this.storedAudio(), options }));
  }

  /**
   * Reads the upload as it grows (waiting for it is not idleness: each look for new bytes is a
   * sign of life) until its declared length is reached. A known length within the upstream's
   * limit is one request; a longer one, or a recording (short parts), goes a part at a time,
   * each as soon as it is complete. Once the upload is complete it becomes the
   * transcript's audio. On failure the claim is given back (the finished parts are kept), so
   * that the upload can be transcribed again; not when another instance took the job over, and
   * not when the upload stopped growing (a closed laptop): the transcript goes on when it grows
   * again (lib/transcription/paused-upload.ts).
   */
  private async runGrowing(upload: FollowedUpload, resume: boolean): Promise<string> {
    this.markReady();
    const follow = () => openUploadStream({ id: upload.uploadId, userId: this.userId, follow: true, onPoll: () => this.touch(), signal: this.signal });
    try {
      // A resumed job goes on in parts: its length may have become known since it started in parts.
      if (!resume && !upload.recording && upload.length !== undefined && upload.length <= MAX_AUDIO_BYTES) {
        const text = await this.transcribe(upload.format, async () => ({ audio: follow(), options: upload.options }));
        await this.keepUpload(upload.uploadId);
        return text;
      }
      let kept: Promise<void> = Promise.resolve();
      // The audio is moved while the last part is transcribed: the player has it when the text is done.
      const input = follow().pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          flush: () => {
            kept = this.keepUpload(upload.uploadId);
            kept.catch(() => undefined);
          },
        }),
      );
      const text = await transcribeInParts(this.partsHost(), {
        input,
        container: upload.format.container,
        options: () => upload.options,
        resume,
        growing: true,
        recording: upload.recording,
      });
      await kept;
      return text;
    } catch (error) {
      if (!(error instanceof AppError && (error.code === 'conflict:lease' || error.code === UPLOAD_STALLED))) {
        await releaseResumableUploadClaim({ id: upload.uploadId, userId: this.userId, transcriptId: this.id }).catch(() => undefined);
      }
      throw error;
    }
  }

  /** Makes the complete upload this transcript's audio, counted toward the day's bytes. */
  private async keepUpload(uploadId: string) {
    const upload = await getResumableUpload({ id: uploadId, userId: this.userId });
    if (!upload) throw uploadNotFound();
    await moveUploadToAudio({
      upload,
      key: this.id,
      onStored: async (bytes) => {
        await updateTranscriptProgress({ id: this.id, userId: this.userId, text: this.text, audioBytes: bytes });
        this.uploadComplete = true;
        this.metrics.audioBytes = bytes;
        this.metrics.uploadCompletedAt = Date.now();
      },
    });
  }

  /** What the part pipeline (parts.ts) may do with this job. */
  private partsHost() {
    return {
      id: this.id,
      userId: this.userId,
      signal: this.signal,
      touch: () => this.touch(),
      emit: (event: Extract<TranscriptEvent, { type: 'transcript.part' }>) => {
        this.emit(event);
        publish(this.id, { type: 'part', index: event.index, count: event.count, startSeconds: event.startSeconds });
      },
      text: () => this.text,
      resetText: async (text: string) => {
        // Sent as the resumed job's first delta: its followers see the finished parts' text too.
        this.text = '';
        if (text) this.addText(text);
        this.finishedPartsText = text;
        await updateTranscriptProgress({ id: this.id, userId: this.userId, text });
      },
      addText: (delta: string) => this.addText(delta),
      finishPart: (text: string) => {
        this.finishedPartsText = text;
      },
      setUsage: (usage: unknown) => {
        this.usage = usage;
      },
      transcribePart: (format: AudioFormat, audio: () => ReadableStream<Uint8Array>, options: UpstreamOptions) => {
        // Each part may be retried as long as none of its own text has gone out.
        this.sentDelta = false;
        return this.transcribe(format, async () => ({ audio: audio(), options }));
      },
    };
  }

  private async runUpload(upload: IncomingUpload, clientSignal: AbortSignal, declaredSeconds?: number): Promise<string> {
    const onClientGone = () => {
      if (!this.uploadComplete) this.abortController.abort(new AppError('cancelled:upload', 'The upload was interrupted before the audio was complete.'));
    };
    clientSignal.addEventListener('abort', onClientGone, { once: true });
    if (clientSignal.aborted) onClientGone();

    const storeFeed = createFeed(upload.audio);
    const upstreamFeed = createFeed(upload.audio);
    // A store that gives up must not hold the upload back: the upstream may still succeed.
    const stored = getAudioStore()
      .put(this.id, storeFeed.stream)
      .catch((error: unknown) => {
        this.storageFailed = true;
        storeFeed.abandon();
        if (!this.signal.aborted) log.error('audio.store_failed', { requestId: this.requestId, cause: error instanceof Error ? error.message : String(error) });
        return undefined;
      });
    const ingested = this.ingest(upload, storeFeed, upstreamFeed, stored);
    ingested.catch(() => undefined);
    // Fields after the file are known once the upload is complete; the parts before use those before it.
    let latest: UpstreamOptions = upload.options;
    ingested.then((options) => (latest = options), () => undefined);

    const transcription = upload.long
      ? transcribeInParts(this.partsHost(), {
          input: webStreamOf(upstreamFeed.stream),
          container: upload.format.container,
          declaredSeconds,
          options: () => latest,
        })
      : this.transcribe(upload.format, async (attempt, previousError) => {
          if (attempt === 1) {
            return {
              audio: webStreamOf(upstreamFeed.stream),
              options: upload.options,
              lateOptions: () => upload.complete.then(({ options, lateFields }) => pick(options, lateFields)),
              abandon: upstreamFeed.abandon,
            };
          }
          const options = await ingested;
          if (this.storageFailed) throw previousError;
          return { audio: await this.storedAudio(), options };
        });
    transcription.catch(() => undefined);
    try {
      await ingested;
      this.markReady();
    } catch (error) {
      this.abortController.abort(error);
      await transcription.catch(() => undefined);
      throw error;
    } finally {
      clientSignal.removeEventListener('abort', onClientGone);
    }
    return transcription;
  }

  private async ingest(upload: IncomingUpload, storeFeed: ReturnType<typeof createFeed>, upstreamFeed: ReturnType<typeof createFeed>, stored: Promise<{ bytes: number } | undefined>) {
    const { audio } = upload;
    // Ends the reads and the writes under way: a consumer that stopped reading cannot hold us.
    const stop = () => audio.destroy(this.signal.reason instanceof Error ? this.signal.reason : undefined);
    this.signal.addEventListener('abort', stop, { once: true });
    let bytes = 0;
    const count = (chunk: Buffer) => {
      bytes += chunk.byteLength;
      this.touch();
    };
    audio.on('data', count);
    try {
      // The feeds are piped from the audio (createFeed) and end with it.
      await finished(audio);
      if (this.signal.aborted) throw this.signal.reason;
      const { options } = await abortable(upload.complete, this.signal);
      // The client has sent everything: from here on its going away no longer stops the work.
      this.uploadComplete = true;
      const kept = await abortable(stored, this.signal);
      this.metrics.audioBytes = kept?.bytes ?? bytes;
      this.metrics.uploadCompletedAt = Date.now();
      // The bytes count toward the daily audio whether or not they could be kept.
      await updateTranscriptProgress({ id: this.id, userId: this.userId, text: this.text, audioBytes: this.metrics.audioBytes });
      if (!kept) await this.forgetAudio();
      return options;
    } catch (error) {
      const reason = this.signal.aborted ? this.signal.reason : error;
      storeFeed.error(reason);
      upstreamFeed.error(reason);
      throw reason;
    } finally {
      audio.off('data', count);
      this.signal.removeEventListener('abort', stop);
    }
  }

  /**
   * Asks the upstream, retrying from the stored audio on a retryable failure as long as no text
   * has reached the client yet (a retry would otherwise repeat text).
   */
  private async transcribe(format: AudioFormat, inputFor: (attempt: number, previousError: unknown) => Promise<AttemptInput>): Promise<string> {
    let previousError: unknown;
    for (let attempt = 1; ; attempt++) {
      let input: AttemptInput | undefined;
      try {
        input = await inputFor(attempt, previousError);
        const { upstreamRequestId, events } = await openTranscription({
          ...input,
          format,
          signal: this.signal,
          requestId: this.requestId,
          userId: this.userId,
          onComment: (comment) => this.hear(comment),
        });
        this.metrics.upstreamRequestId = upstreamRequestId;
        this.metrics.attempts = attempt;
        this.markReady();
        this.touch();
        for await (const event of events) {
          this.touch();
          if (event.type === 'done') {
            this.usage = event.usage;
            return event.text;
          }
          this.metrics.firstDeltaAt ??= Date.now();
          this.sentDelta = true;
          this.addText(event.delta);
          this.scheduleProgressSave();
        }
        throw new AppError('upstream:stream', 'The transcription service stopped before the transcript was complete.');
      } catch (error) {
        if (this.signal.aborted) throw this.signal.reason;
        const delayMs = retryDelayMs(error);
        // An input that fails with the previous error has nothing to retry from.
        if (delayMs === undefined || this.sentDelta || attempt >= MAX_ATTEMPTS || error === previousError) throw error;
        previousError = error;
        log.info('upstream.retry', { requestId: this.requestId, attempt, delayMs });
        await sleep(delayMs, undefined, { signal: this.signal }).catch(() => {
          throw this.signal.reason;
        });
      } finally {
        // An upstream that has answered (even before reading the whole body) reads no more of it.
        input?.abandon?.();
      }
    }
  }

  private async storedAudio() {
    const stored = await getAudioStore().get(this.id);
    if (!stored) throw new AppError('not_found:audio', 'The stored audio for this transcript is missing.');
    return stored.body;
  }

  private async forgetAudio() {
    await forgetTranscriptAudio({ id: this.id, userId: this.userId });
    await getAudioStore().delete(this.id);
  }

  private scheduleProgressSave() {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      updateTranscriptProgress({ id: this.id, userId: this.userId, text: this.text }).catch(() => undefined);
    }, PROGRESS_SAVE_INTERVAL_MS);
  }

  private stopTimers() {
    this.stopLease();
    clearTimeout(this.saveTimer);
    clearTimeout(this.idleTimer);
    this.saveTimer = undefined;
  }

  /** Whether a failure can be retried from stored audio, as the messages may say. */
  private get audioKept() {
    return this.uploadComplete && !this.storageFailed;
  }

  /** Never tell the user their audio is kept when it is not. */
  private truthful(error: AppError) {
    if (this.audioKept || !error.message.includes(AUDIO_KEPT)) return error;
    return new AppError(error.code, error.message.replace(AUDIO_KEPT, 'The audio was not kept: upload the file again to retry.'), { cause: error });
  }

  /**
   * Leaves the registry only once the row holds the final state, so that whoever finds no
   * running job reads the final text; then tells the other instances it has ended.
   */
  private async leave(final: TranscriptEvent) {
    await releaseTranscriptLease({ id: this.id, userId: this.userId, instanceId }).catch(() => undefined);
    registry.delete(this.id);
    this.emit(final);
    publish(this.id, { type: 'end' });
    this.cancels.then((unsubscribe) => unsubscribe()).catch(() => undefined);
  }

  private async succeed(text: string): Promise<JobResult> {
    this.stopTimers();
    this.text = text;
    try {
      await completeTranscript({ id: this.id, userId: this.userId, text, usageJson: JSON.stringify(this.usage), durationSeconds: durationFrom(this.usage) });
    } catch (error) {
      return this.fail(error);
    }
    await this.leave({ type: 'transcript.text.done', text, ...(this.usage ? { usage: this.usage } : {}) });
    return { ok: true, text, usage: this.usage };
  }

  private async fail(cause: unknown): Promise<JobResult> {
    this.stopTimers();
    // Once the job was stopped for a reason (Cancel, a timeout, a lost lease), whatever that stop made fail on its way
    // out (an AbortError from a wait, a broken pipe) is that reason, not an unexpected error.
    const stoppedFor = this.signal.aborted && this.signal.reason instanceof AppError ? this.signal.reason : undefined;
    const error = this.truthful(stoppedFor ?? asAppError(cause));
    this.abortController.abort(error);
    // After a takeover the row is the new owner's to write.
    if (error.code !== 'conflict:lease') {
      try {
        await this.saveFailure(error);
      } catch (storeError) {
        log.error('transcription.finalize_failed', { requestId: this.requestId, cause: storeError instanceof Error ? storeError.message : String(storeError) });
      }
    }
    this.failBeforeReady(error);
    await this.leave({ type: 'error', error: error.toJSON() });
    return { ok: false, error };
  }

  private async saveFailure(error: AppError) {
    // A transcript paused on its upload stays as it is, even without text yet: it goes on when the upload grows.
    const paused = error.code === UPLOAD_STALLED;
    if (!this.uploadComplete && !this.text && !paused) {
      // Nothing usable arrived: an incomplete or refused upload leaves no transcript behind.
      await deleteTranscriptById({ id: this.id, userId: this.userId });
      await getAudioStore().delete(this.id);
      return;
    }
    await endTranscriptWithoutText({
      id: this.id,
      userId: this.userId,
      status: error.code.startsWith('cancelled:') ? 'cancelled' : 'failed',
      text: this.finishedPartsText ?? this.text,
      errorCode: error.code,
      errorMessage: error.message,
    });
    // Text that arrived during the upload is kept; the incomplete audio is not.
    if (!this.uploadComplete && !paused) await this.forgetAudio();
  }
}

function pick(options: UpstreamOptions, names: ReadonlySet<string>): UpstreamOptions {
  return {
    ...(names.has('language') ? { language: options.language } : {}),
    ...(names.has('prompt') ? { prompt: options.prompt } : {}),
  };
}
