import { ENGINE_LABEL } from '@/lib/engine/model';
import type { EngineStatus } from '@/lib/engine/status';

const code = 'font-mono text-[0.8125rem]';

/** Says which service transcribes here, and what the operator can do about it. */
export function TranscriptionServiceNotice({ engine, status }: { engine: 'builtin' | 'external'; status: EngineStatus }) {
  if (engine === 'external') return null;
  if (!status.available) {
    return (
      <div role="status" className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800/70 dark:bg-amber-950/40 dark:text-amber-100">
        <p className="font-medium">Transcription is not set up on this server yet.</p>
        <p className="mt-1">
          The offline engine is not installed (missing: {status.missing.join(', ')}).{' '}
          {status.installCommand ? (
            <>
              Run <code className={code}>{status.installCommand}</code> and restart,
            </>
          ) : (
            <>Install the Debian/Ubuntu packages {status.missing.join(', ')} and restart,</>
          )}{' '}
          or set <code className={code}>TRANSCRIBE_BASE_URL</code> and <code className={code}>TRANSCRIBE_API_KEY</code> to an
          OpenAI-compatible service.
        </p>
      </div>
    );
  }
  return (
    <div role="status" className="rounded-lg border border-neutral-200 bg-neutral-50 px-4 py-3 text-sm text-neutral-700 dark:border-neutral-800 dark:bg-neutral-900 dark:text-neutral-300">
      <p className="font-medium">{ENGINE_LABEL}</p>
      <p className="mt-1">
        This server transcribes with its built-in offline engine. For better accuracy and other languages, the operator can set{' '}
        <code className={code}>TRANSCRIBE_BASE_URL</code> and <code className={code}>TRANSCRIBE_API_KEY</code> to an OpenAI-compatible
        service.
      </p>
    </div>
  );
}
