'use client';

import { useEffect, useRef, useState } from 'react';

const SPEEDS = [1, 1.25, 1.5, 2] as const;

/** Space would type, press a control or scroll these: the shortcut leaves them alone. */
function isInteractive(target: EventTarget | null) {
  return target instanceof HTMLElement && (target.isContentEditable || Boolean(target.closest('input, textarea, select, button, a, audio, [role="button"]')));
}

/** A request to play from a time; a new object each time, so that the same time can be asked twice. */
export type SeekRequest = { seconds: number };

/** The recording, with playback speed and Space to play or pause while not typing; `seek` plays from a time. */
export function AudioPlayer({ src, label = 'Recording', seek }: { src: string; label?: string; seek?: SeekRequest | null }) {
  const audioRef = useRef<HTMLAudioElement>(null);
  const [speed, setSpeed] = useState<number>(1);

  useEffect(() => {
    const audio = audioRef.current;
    if (!audio || !seek) return;
    audio.currentTime = seek.seconds;
    void audio.play().catch(() => undefined);
  }, [seek]);

  useEffect(() => {
    if (audioRef.current) audioRef.current.playbackRate = speed;
  }, [speed]);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.key !== ' ' || event.repeat || event.altKey || event.ctrlKey || event.metaKey || isInteractive(event.target)) return;
      const audio = audioRef.current;
      if (!audio) return;
      event.preventDefault();
      if (audio.paused) void audio.play().catch(() => undefined);
      else audio.pause();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <div className="space-y-2">
      {/* The browser resets the rate when it loads the media: set it again once it can play. */}
      <audio
        ref={audioRef}
        controls
        aria-label={label}
        src={src}
        preload="metadata"
        className="w-full"
        onLoadedMetadata={(event) => {
          event.currentTarget.playbackRate = speed;
        }}
      />
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div role="group" aria-label="Playback speed" className="inline-flex rounded-lg border border-neutral-300 p-0.5 dark:border-neutral-700">
          {SPEEDS.map((value) => (
            <button
              key={value}
              type="button"
              aria-pressed={speed === value}
              onClick={() => setSpeed(value)}
              className="min-h-10 min-w-11 rounded-md px-2 text-sm font-medium tabular-nums text-neutral-700 aria-pressed:bg-neutral-900 aria-pressed:text-white dark:text-neutral-300 dark:aria-pressed:bg-white dark:aria-pressed:text-neutral-900"
            >
              {value}×
            </button>
          ))}
        </div>
        <p className="hidden text-xs text-neutral-500 sm:block dark:text-neutral-400">
          <kbd className="rounded border border-neutral-300 px-1 font-sans dark:border-neutral-700">Space</kbd> plays or pauses
        </p>
      </div>
    </div>
  );
}
