import 'server-only';

import { setTimeout as sleep } from 'node:timers/promises';
import type { AudioFormat } from '@/lib/audio/format';
import { getAudioStore } from '@/lib/audio-store';
import { completeTranscript, createTranscript, deleteTranscriptById, endTranscriptWithoutText, restartTranscript, updateTranscriptProgress } from '@/lib/db/transcripts';
import { getConfig } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { processSingleton } from '@/lib/process-singleton';
import type { StoredUpload } from './blob-source';
import type { TranscriptEvent } from './events';
import type { IncomingUpload } from './incoming';
import { createPushStream } from './push-stream';
import { openTranscription, retryDelayMs, type UpstreamOptions } from './upstream';
import { queuePositionOf } from './upstream-events';

const MAX_ATTEMPTS = 3;
const PROGRESS_SAVE_INTERVAL_MS = 500;

export type JobResult = { ok: true; text: string } | { ok: false; error: AppError };

type Listener = (event: TranscriptEvent) => void;

type AttemptInput = {
  audio: ReadableStream<Uint8Array>;
  options: UpstreamOptions;
  lateOptions?: () => Promise<UpstreamOptions>;
  /** Lets the audio source go on without this consumer once the attempt has failed. */
  abandon?: () => void;
};

const registry = processSingleton('transcription-jobs', () => new Map<string, TranscriptionJob>());
const restarting = processSingleton('transcription-restarts', () => new Set<string>());

/** The running transcription for this id, if it runs in this process. */
export function getRunningJob(id: string) {
  return registry.get(id);
}

function titleFrom(fileName: string) {
  const stem = fileName.replace(/[\u0000-\u001f\u007f]/g, '').replace(/\.[^.]+$/, '').trim();
  return stem.slice(0, 120) || `Recording ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`;
}

function newTranscriptRow({ id, userId, upload, audioBytes }: { id: string; userId: string; upload: Pick<IncomingUpload, 'fileName' | 'format' | 'options'>; audioBytes: number }) {
  return {
    id,
    user_id: userId,
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
  return new AppError('internal:transcription', 'Something went wrong while transcribing. Your audio is kept; try again.');
}

/**
 * One transcription: stores the audio and streams it to the upstream at the same time, keeps
 * the text in the database as it grows, and fans its events out to whoever listens. It runs to
 * its end whether or not the client that started it is still connected.
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
  private uploadComplete = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private markReady!: () => void;
  private failBeforeReady!: (error: AppError) => void;
  /** Resolves when the client's response can begin: the audio is stored or the upstream answered. */
  readonly ready: Promise<void>;
  readonly finished: Promise<JobResult>;

  private constructor({ id, userId, requestId, run }: { id: string; userId: string; requestId: string; run: (job: TranscriptionJob) => Promise<string> }) {
    this.id = id;
    this.userId = userId;
    this.requestId = requestId;
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failBeforeReady = reject;
    });
    this.ready.catch(() => undefined);
    registry.set(id, this);
    this.emit({ type: 'transcript.created', id });
    this.touch();
    this.finished = run(this).then(
      (text) => this.succeed(text),
      (error: unknown) => this.fail(error),
    );
  }

  /** Starts a transcription of an upload that is still arriving; `id` is its quota slot's, so that the upload's bytes count toward the daily audio. */
  static async fromUpload({ id, userId, upload, clientSignal, requestId }: { id: string; userId: string; upload: IncomingUpload; clientSignal: AbortSignal; requestId: string }) {
    await createTranscript({
      id,
      user_id: userId,
      title: titleFrom(upload.fileName),
      file_name: titleFrom(upload.fileName),
      language: upload.options.language ?? null,
      prompt: upload.options.prompt ?? null,
      error_code: null,
      error_message: null,
      audio_key: id,
      audio_type: upload.format.mimeType,
      audio_bytes: 0,
      duration_seconds: null,
      usage_json: null,
      completed_at: null,
    });
    return new TranscriptionJob({ id, userId, requestId, run: (job) => job.runUpload(upload, clientSignal) });
  }

  /** Transcribes, as a new transcript, a file that the browser uploaded to the store itself. */
  static async fromStoredUpload({ id, userId, upload, requestId }: { id: string; userId: string; upload: StoredUpload; requestId: string }) {
    await upload.adopt(id);
    try {
      await createTranscript(newTranscriptRow({ id, userId, upload, audioBytes: upload.bytes }));
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

  /** Transcribes audio that is already stored, e.g. to retry a failed transcription. */
  static async fromStoredAudio({ id, userId, format, options, requestId }: { id: string; userId: string; format: AudioFormat; options: UpstreamOptions; requestId: string }) {
    if (registry.has(id) || restarting.has(id)) throw new AppError('conflict:transcript', 'This transcript is already being transcribed.');
    // Held across the await, so that two requests at once cannot both restart it.
    restarting.add(id);
    try {
      await restartTranscript({ id, userId, language: options.language ?? null, prompt: options.prompt ?? null });
    } finally {
      restarting.delete(id);
    }
    return new TranscriptionJob({
      id,
      userId,
      requestId,
      run: async (job) => {
        job.uploadComplete = true;
        job.markReady();
        return job.transcribe(format, async () => ({ audio: await job.storedAudio(), options }));
      },
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

  /** Any sign of life (audio in, events out) postpones the idle timeout. */
  private touch() {
    clearTimeout(this.idleTimer);
    const { idleTimeoutMs } = getConfig().transcription;
    this.idleTimer = setTimeout(() => {
      this.abortController.abort(
        new AppError('timeout:upstream', 'The transcription stalled: nothing arrived for too long. Your audio is kept; try again.'),
      );
    }, idleTimeoutMs);
    this.idleTimer.unref();
  }

  /** An upstream comment is a sign of life; a queue note is worth showing. */
  private hear(comment: string) {
    this.touch();
    const position = queuePositionOf(comment);
    if (position !== undefined) this.emit({ type: 'transcript.waiting', position });
  }

  private runStored(format: AudioFormat, options: UpstreamOptions): Promise<string> {
    this.uploadComplete = true;
    this.markReady();
    return this.transcribe(format, async () => ({ audio: await this.storedAudio(), options }));
  }

  private async runUpload(upload: IncomingUpload, clientSignal: AbortSignal): Promise<string> {
    const onClientGone = () => {
      if (!this.uploadComplete) this.abortController.abort(new AppError('cancelled:upload', 'The upload was interrupted before the audio was complete.'));
    };
    clientSignal.addEventListener('abort', onClientGone, { once: true });
    if (clientSignal.aborted) onClientGone();

    const storeFeed = createPushStream();
    const upstreamFeed = createPushStream();
    const stored = getAudioStore().put(this.id, storeFeed.stream);
    stored.catch(() => undefined);
    const ingested = this.ingest(upload, storeFeed, upstreamFeed, stored);
    ingested.catch(() => undefined);

    const transcription = this.transcribe(upload.format, async (attempt) =>
      attempt === 1
        ? {
            audio: upstreamFeed.stream,
            options: upload.options,
            lateOptions: () => upload.complete.then(({ options, lateFields }) => pick(options, lateFields)),
            abandon: upstreamFeed.abandon,
          }
        : await ingested.then(async (options) => ({ audio: await this.storedAudio(), options })),
    );
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

  private async ingest(
    upload: IncomingUpload,
    storeFeed: ReturnType<typeof createPushStream>,
    upstreamFeed: ReturnType<typeof createPushStream>,
    stored: Promise<{ bytes: number }>,
  ) {
    const reader = upload.audio.getReader();
    const stopReading = () => reader.cancel(this.signal.reason).catch(() => undefined);
    this.signal.addEventListener('abort', stopReading, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.touch();
        await Promise.all([storeFeed.write(value), upstreamFeed.write(value)]);
      }
      if (this.signal.aborted) throw this.signal.reason;
      storeFeed.close();
      upstreamFeed.close();
      const { options } = await upload.complete;
      // The client has sent everything: from here on its going away no longer stops the work.
      this.uploadComplete = true;
      const { bytes } = await stored;
      this.metrics.audioBytes = bytes;
      this.metrics.uploadCompletedAt = Date.now();
      await updateTranscriptProgress({ id: this.id, userId: this.userId, text: this.text, audioBytes: bytes });
      return options;
    } catch (error) {
      const reason = this.signal.aborted ? this.signal.reason : error;
      storeFeed.error(reason);
      upstreamFeed.error(reason);
      throw reason;
    } finally {
      this.signal.removeEventListener('abort', stopReading);
    }
  }

  /**
   * Asks the upstream, retrying from the stored audio on a retryable failure as long as no text
   * has reached the client yet (a retry would otherwise repeat text).
   */
  private async transcribe(format: AudioFormat, inputFor: (attempt: number) => Promise<AttemptInput>): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      let input: AttemptInput | undefined;
      try {
        input = await inputFor(attempt);
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
          this.text += event.delta;
          this.metrics.firstDeltaAt ??= Date.now();
          this.sentDelta = true;
          this.emit({ type: 'transcript.text.delta', delta: event.delta });
          this.scheduleProgressSave();
        }
        throw new AppError('upstream:stream', 'The transcription service stopped before the transcript was complete.');
      } catch (error) {
        input?.abandon?.();
        if (this.signal.aborted) throw this.signal.reason;
        const delayMs = retryDelayMs(error);
        if (delayMs === undefined || this.sentDelta || attempt >= MAX_ATTEMPTS) throw error;
        log.info('upstream.retry', { requestId: this.requestId, attempt, delayMs });
        await sleep(delayMs, undefined, { signal: this.signal }).catch(() => {
          throw this.signal.reason;
        });
      }
    }
  }

  private async storedAudio() {
    const stored = await getAudioStore().get(this.id);
    if (!stored) throw new AppError('not_found:audio', 'The stored audio for this transcript is missing.');
    return stored.body;
  }

  private scheduleProgressSave() {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      updateTranscriptProgress({ id: this.id, userId: this.userId, text: this.text }).catch(() => undefined);
    }, PROGRESS_SAVE_INTERVAL_MS);
  }

  private stopTimers() {
    clearTimeout(this.saveTimer);
    clearTimeout(this.idleTimer);
    this.saveTimer = undefined;
  }

  private async succeed(text: string): Promise<JobResult> {
    this.stopTimers();
    this.text = text;
    try {
      await completeTranscript({ id: this.id, userId: this.userId, text, usageJson: JSON.stringify(this.usage), durationSeconds: durationFrom(this.usage) });
    } catch (error) {
      return this.fail(error);
    }
    registry.delete(this.id);
    this.emit({ type: 'transcript.text.done', text, ...(this.usage ? { usage: this.usage } : {}) });
    return { ok: true, text };
  }

  private async fail(cause: unknown): Promise<JobResult> {
    this.stopTimers();
    const error = asAppError(cause);
    this.abortController.abort(error);
    registry.delete(this.id);
    try {
      if (!this.uploadComplete) {
        // Nothing usable arrived: an incomplete or refused upload leaves no transcript behind.
        await deleteTranscriptById({ id: this.id, userId: this.userId });
        await getAudioStore().delete(this.id);
      } else {
        await endTranscriptWithoutText({
          id: this.id,
          userId: this.userId,
          status: error.code.startsWith('cancelled:') ? 'cancelled' : 'failed',
          text: this.text,
          errorCode: error.code,
          errorMessage: error.message,
        });
      }
    } catch (storeError) {
      log.error('transcription.finalize_failed', { requestId: this.requestId, cause: storeError instanceof Error ? storeError.message : String(storeError) });
    }
    this.failBeforeReady(error);
    this.emit({ type: 'error', error: error.toJSON() });
    return { ok: false, error };
  }
}

function pick(options: UpstreamOptions, names: ReadonlySet<string>): UpstreamOptions {
  return {
    ...(names.has('language') ? { language: options.language } : {}),
    ...(names.has('prompt') ? { prompt: options.prompt } : {}),
  };
}
