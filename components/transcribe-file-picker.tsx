'use client';

import { type RefObject, useState } from 'react';
import { Alert, mutedTextClasses } from '@/components/ui/field';
import { formatBytes } from '@/lib/format';

const ACCEPT = '.mp3,.mp4,.mpeg,.mpga,.m4a,.wav,.webm,.ogg,audio/*';

/** The audio file to send: chosen, or dropped on the zone; with why it cannot be sent, if so. */
export function TranscribeFilePicker({
  inputRef,
  file,
  problem,
  maxBytes,
  longAudioOff,
  disabled,
  onChoose,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  file: File | null;
  problem: string | null;
  /** The largest file the server takes. */
  maxBytes: number;
  /** The server cannot split audio past the upstream's 25 MB (it has no ffmpeg): said, so that nobody wonders why. */
  longAudioOff: boolean;
  /** A run is under way (the surrounding fieldset disables the input itself). */
  disabled: boolean;
  onChoose: (file: File | undefined) => void;
}) {
  const [dragging, setDragging] = useState(false);

  return (
    <div className="space-y-2">
      <input
        ref={inputRef}
        id="audio-file"
        name="file"
        type="file"
        accept={ACCEPT}
        aria-labelledby="audio-file-label"
        aria-describedby={problem ? 'audio-file-details audio-file-problem' : 'audio-file-details'}
        aria-invalid={problem ? true : undefined}
        className="peer sr-only"
        onChange={(event) => onChoose(event.currentTarget.files?.[0])}
      />
      <label
        htmlFor="audio-file"
        onDragOver={(event) => {
          if (disabled) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          onChoose(event.dataTransfer.files[0]);
        }}
        className={`flex min-h-36 flex-col items-center justify-center gap-1 rounded-xl border border-dashed px-4 py-6 text-center transition-colors peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-blue-500 peer-disabled:cursor-not-allowed peer-disabled:opacity-60 ${
          dragging
            ? 'border-blue-500 bg-blue-50 dark:border-blue-400 dark:bg-blue-950/30'
            : problem
              ? 'border-red-400 bg-white hover:bg-neutral-50 dark:border-red-500/70 dark:bg-neutral-900 dark:hover:bg-neutral-900/70'
              : 'border-neutral-300 bg-white hover:border-neutral-400 hover:bg-neutral-50 dark:border-neutral-700 dark:bg-neutral-900 dark:hover:border-neutral-600 dark:hover:bg-neutral-900/70'
        }`}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true" className="mb-1 size-6 text-neutral-400" fill="none" stroke="currentColor" strokeWidth="1.5">
          {file ? (
            <path d="M9 18V6l10-2v12M9 18a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0Zm10-2a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0Z" strokeLinejoin="round" />
          ) : (
            <path d="M12 15V4m0 0L8 8m4-4 4 4M5 15v3a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-3" strokeLinecap="round" strokeLinejoin="round" />
          )}
        </svg>
        <span id="audio-file-label" className="text-sm font-medium">
          Audio file
        </span>
        <span id="audio-file-details" className="max-w-full text-sm text-neutral-600 dark:text-neutral-400">
          {file ? (
            <>
              <span className="font-medium [overflow-wrap:anywhere] text-neutral-900 dark:text-neutral-100">{file.name}</span>
              <span className="whitespace-nowrap"> · {formatBytes(file.size)}</span>
              <span className={`block text-xs ${mutedTextClasses}`}>Choose another file or drop it here</span>
            </>
          ) : (
            <>
              Choose a recording or drop it here
              <span className={`block text-xs ${mutedTextClasses}`}>
                MP3, MP4, M4A, WAV, WebM or Ogg, up to {formatBytes(maxBytes)}
                {longAudioOff ? '. Longer audio is off on this server: it needs ffmpeg to split it.' : null}
              </span>
            </>
          )}
        </span>
      </label>
      {problem ? (
        <Alert>
          <span id="audio-file-problem">{problem}</span>
        </Alert>
      ) : null}
    </div>
  );
}
