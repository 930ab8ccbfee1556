import 'server-only';

import { PART_FORMAT, SplitError, splitAudio } from '@/lib/audio/split';
import type { AudioFormat } from '@/lib/audio/format';
import { workFileFor } from '@/lib/audio/work-files';
import { getPartsByTranscriptId, savePart } from '@/lib/db/parts';
import { recordTranscriptionSeconds } from '@/lib/db/usage';
import { getConfig } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { dailyDurationRefusal } from '@/lib/quota/transcription';
import type { TranscriptEvent } from './events';
import { partPrompt } from './part-prompt';
import { abortable } from './push-stream';
import type { UpstreamOptions } from './upstream';

/** What a transcription job lends the part pipeline: its identity, its live text and its single-request transcriber. */
export type PartsHost = {
  id: string;
  userId: string;
  signal: AbortSignal;
  /** Postpones the job's idle timeout. */
  touch: () => void;
  emit: (event: Extract<TranscriptEvent, { type: 'transcript.part' }>) => void;
  text: () => string;
  /** Starts the live text over from the finished parts' text (on resume), and saves it. */
  resetText: (text: string) => Promise<void>;
  addText: (delta: string) => void;
  /** The finished parts' text so far: what a failure keeps. */
  finishPart: (text: string) => void;
  setUsage: (usage: unknown) => void;
  /** One upstream request with the job's retries, its deltas going out live; resolves with the part's final text. */
  transcribePart: (format: AudioFormat, audio: () => ReadableStream<Uint8Array>, options: UpstreamOptions) => Promise<string>;
};

const joinTexts = (texts: readonly string[]) => texts.filter(Boolean).join(' ');

/**
 * Transcribes long audio a part at a time, in order: each part is cut at a silence (lib/audio/split.ts)
 * as soon as the audio up to it has arrived, saved when it starts and when it ends, and asked
 * for with the user's prompt plus the tail of the text so far. `resume` continues a transcript
 * after its finished parts, which are not sent again. The audio's duration counts toward the
 * daily allowance: a stated one at once, else the whole file's before anything goes upstream
 * (not for a `growing` upload, whose end is not there yet), and in any case every part's end
 * before it goes. A `recording` gets short parts (RECORDING_PART_MINUTES), so that little is
 * left to transcribe when it stops.
 */
export async function transcribeInParts(
  host: PartsHost,
  {
    input,
    container,
    options,
    declaredSeconds,
    resume = false,
    growing = false,
    recording = false,
  }: {
    input: ReadableStream<Uint8Array>;
    container: AudioFormat['container'];
    options: () => UpstreamOptions;
    declaredSeconds?: number;
    resume?: boolean;
    growing?: boolean;
    recording?: boolean;
  },
): Promise<string> {
  const { longAudio, limits, transcription, engine } = getConfig();
  const partMaxSeconds = Math.min(
    longAudio.partMaxSeconds,
    // The offline engine refuses audio past its own maximum: its parts are kept within it.
    transcription.engine === 'builtin' ? engine.maxAudioSeconds : Number.POSITIVE_INFINITY,
    recording ? longAudio.recordingPartSeconds : Number.POSITIVE_INFINITY,
  );
  const saved = resume ? await getPartsByTranscriptId({ transcriptId: host.id, userId: host.userId }) : [];
  const firstUnfinished = saved.findIndex((part, position) => part.part_index !== position || part.status !== 'done');
  const finished = firstUnfinished === -1 ? saved : saved.slice(0, firstUnfinished);
  const texts = finished.map((part) => part.text);
  const last = finished.at(-1);
  if (resume) await host.resetText(joinTexts(texts));

  const splitter = splitAudio({
    input,
    container,
    partMaxSeconds,
    workFile: workFileFor(host.id),
    signal: host.signal,
    fromSeconds: last ? last.start_seconds + last.duration_seconds : 0,
    firstIndex: finished.length,
    onProgress: host.touch,
  });

  let counted = 0;
  const count = async (seconds: number) => {
    if (seconds === counted) return;
    const allowed = await recordTranscriptionSeconds({ id: host.id, userId: host.userId, seconds, audioSecondsPerDay: limits.audioSecondsPerDay });
    if (!allowed) throw dailyDurationRefusal();
    counted = seconds;
  };

  try {
    if (declaredSeconds !== undefined) await count(declaredSeconds);
    else if (!growing) await count(await abortable(splitter.duration, host.signal));
    for await (const part of splitter.parts) {
      await count(Math.max(counted, part.startSeconds + part.durationSeconds));
      const place = { index: part.index, startSeconds: part.startSeconds, durationSeconds: part.durationSeconds };
      await savePart({ transcriptId: host.id, userId: host.userId, part: place });
      host.emit({ type: 'transcript.part', index: part.index + 1, count: splitter.count(), startSeconds: part.startSeconds });
      if (host.text()) host.addText(' ');
      const bytes = await splitter.read(part);
      const userOptions = options();
      const text = await host.transcribePart(PART_FORMAT, () => new Blob([bytes]).stream(), {
        ...userOptions,
        prompt: partPrompt({ userPrompt: userOptions.prompt, textSoFar: joinTexts(texts) }),
      });
      texts.push(text.trim());
      await savePart({ transcriptId: host.id, userId: host.userId, part: place, text: text.trim() });
      host.finishPart(joinTexts(texts));
    }
    const duration = await splitter.duration;
    await count(duration);
    host.setUsage({ type: 'duration', seconds: duration });
    return joinTexts(texts);
  } catch (error) {
    if (error instanceof SplitError) {
      throw new AppError('unsupported_media_type:transcription', 'This audio could not be decoded. Check that it is a valid recording.', { cause: error });
    }
    throw error;
  } finally {
    await splitter.dispose();
  }
}
