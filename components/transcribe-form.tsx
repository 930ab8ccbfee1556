'use client';

import { useEffect, useRef, useState } from 'react';
import { Recorder, type RecordingToSend } from '@/components/recorder';
import { TranscribeFilePicker } from '@/components/transcribe-file-picker';
import { TranscribeOptions } from '@/components/transcribe-options';
import { TranscribeResult } from '@/components/transcribe-result';
import { Button } from '@/components/ui/button';
import { mutedTextClasses } from '@/components/ui/field';
import { takeSharedFile } from '@/lib/client/shared-file';
import type { ResumableUploadSettings } from '@/lib/client/resumable-upload';
import type { DirectUpload } from '@/lib/client/upload-transcription';
import { useTranscriptionUpload, warmUpUploads } from '@/lib/client/use-transcription-upload';

const SHARE_PROBLEMS: Record<string, string> = {
  unavailable: 'Sharing into Verbatim works once the app has been opened on this device. Share the recording again, or choose it here.',
  failed: 'The shared file could not be received. Share it again, or choose it here.',
  none: 'Nothing playable was shared. Share an audio file, or choose it here.',
};

export function TranscribeForm({
  userId,
  configured,
  englishOnly,
  maxPromptLength,
  directUpload,
  resumableUpload,
  maxUploadBytes,
}: {
  userId: string;
  configured: boolean;
  englishOnly: boolean;
  maxPromptLength: number;
  /** Set when the server stores audio in Vercel Blob: files and recordings go there first. */
  directUpload?: DirectUpload;
  /** Where files past the upstream's 25 MB go first, resumably (tus); unset where long audio is off. */
  resumableUpload?: ResumableUploadSettings;
  /** The largest file the server takes (MAX_UPLOAD_MB); past 25 MB it splits the audio into parts. */
  maxUploadBytes: number;
}) {
  const [language, setLanguage] = useState('');
  const [prompt, setPrompt] = useState('');
  const upload = useTranscriptionUpload({ userId, configured, directUpload, resumableUpload, maxUploadBytes, language, prompt });
  const { state } = upload;
  const running = state.phase === 'running';
  const inputRef = useRef<HTMLInputElement>(null);

  // A file shared from another app (see public/sw.js); it waits in a cache, also through a sign-in.
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const shared = params.get('shared');
    if (shared) window.history.replaceState(null, '', window.location.pathname);
    takeSharedFile()
      .then((sharedFile) => {
        if (sharedFile) void upload.chooseFile(sharedFile);
        else if (shared && SHARE_PROBLEMS[shared]) upload.showProblem(SHARE_PROBLEMS[shared]);
      })
      .catch(() => undefined);
    // Runs once on arrival; what it calls only dispatches to the reducer.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!state.file) {
      upload.showProblem('Choose an audio file first.');
      inputRef.current?.focus();
      return;
    }
    upload.transcribeChosen();
  }

  function transcribeRecording({ id, file, upload: recordingUpload }: RecordingToSend) {
    if (running) return;
    if (inputRef.current) inputRef.current.value = '';
    upload.transcribeRecording(file, id, recordingUpload);
  }

  function startOver() {
    upload.reset();
    setPrompt('');
    if (inputRef.current) {
      inputRef.current.value = '';
      inputRef.current.focus();
    }
  }

  return (
    <div className="space-y-6" onPointerDownCapture={warmUpUploads} onFocusCapture={warmUpUploads}>
      <Recorder
        ownerId={userId}
        busy={running || !configured}
        sendingId={running ? state.recordingId : undefined}
        storeVersion={state.storeVersion}
        resumableUpload={resumableUpload}
        maxUploadBytes={maxUploadBytes}
        language={language}
        prompt={prompt}
        onTranscribe={transcribeRecording}
        onLiveRecording={resumableUpload && configured && !running ? upload.transcribeLive : undefined}
      />

      <p
        aria-hidden="true"
        className={`hidden items-center gap-3 text-xs tracking-wide uppercase before:h-px before:flex-1 before:bg-neutral-200 after:h-px after:flex-1 after:bg-neutral-200 sm:flex dark:before:bg-neutral-800 dark:after:bg-neutral-800 ${mutedTextClasses}`}
      >
        or upload a file
      </p>

      <form onSubmit={submit} noValidate className="space-y-6">
        <fieldset disabled={running} className="min-w-0 space-y-5">
          <TranscribeFilePicker
            inputRef={inputRef}
            file={state.file}
            problem={state.problem}
            maxBytes={maxUploadBytes}
            longAudioOff={!resumableUpload}
            disabled={running}
            onChoose={(file) => void upload.chooseFile(file)}
          />
          <TranscribeOptions
            language={language}
            onLanguageChange={setLanguage}
            prompt={prompt}
            onPromptChange={setPrompt}
            englishOnly={englishOnly}
            maxPromptLength={maxPromptLength}
          />
          {state.phase === 'done' ? null : (
            <Button type="submit" variant="primary" disabled={!configured} className="w-full sm:w-auto">
              Transcribe
            </Button>
          )}
        </fieldset>
      </form>

      <TranscribeResult state={state} onCancel={upload.cancel} onRetry={upload.transcribeChosen} onStartOver={startOver} />

      {/* Room for the record button docked at the bottom of a phone screen. */}
      <div aria-hidden="true" className="h-20 sm:hidden" />
    </div>
  );
}
