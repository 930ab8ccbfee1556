import { hintClasses, inputClasses, labelClasses, mutedTextClasses } from '@/components/ui/field';
import { LANGUAGES } from '@/lib/languages';

const ENGLISH_ONLY = LANGUAGES.filter(({ code }) => code === 'en');

/** What the service is told about the audio: its language and the words it uses. */
export function TranscribeOptions({
  language,
  onLanguageChange,
  prompt,
  onPromptChange,
  englishOnly,
  maxPromptLength,
}: {
  language: string;
  onLanguageChange: (language: string) => void;
  prompt: string;
  onPromptChange: (prompt: string) => void;
  englishOnly: boolean;
  maxPromptLength: number;
}) {
  return (
    <>
      <div className="space-y-1.5">
        <label htmlFor="language" className={labelClasses}>
          Language
        </label>
        <select id="language" name="language" value={language} onChange={(event) => onLanguageChange(event.currentTarget.value)} className={`${inputClasses} pr-8`}>
          <option value="">Auto-detect</option>
          {(englishOnly ? ENGLISH_ONLY : LANGUAGES).map(({ code, name }) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
      </div>

      <div className="space-y-1.5">
        <label htmlFor="prompt" className={labelClasses}>
          Prompt (optional)
        </label>
        <textarea
          id="prompt"
          name="prompt"
          rows={2}
          maxLength={maxPromptLength}
          value={prompt}
          onChange={(event) => onPromptChange(event.currentTarget.value)}
          aria-describedby="prompt-hint"
          className={`${inputClasses} resize-y`}
        />
        <div className="flex items-start justify-between gap-4">
          <p id="prompt-hint" className={hintClasses}>
            Names and terms the recording uses, e.g. “Dr. Nguyen, Kubernetes”. It guides their spelling; it is not an instruction.
          </p>
          <span className={`shrink-0 text-xs tabular-nums ${mutedTextClasses}`} aria-hidden="true">
            {prompt.length}/{maxPromptLength}
          </span>
        </div>
      </div>
    </>
  );
}
