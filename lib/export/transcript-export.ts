import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import { formatDateTime, safeFileName } from '@/lib/format';
import { languageName } from '@/lib/languages';
import type { TranscriptDetails } from '@/lib/transcript-details';

export const EXPORT_FORMATS = ['txt', 'md', 'json', 'docx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const contentTypes: Record<ExportFormat, string> = {
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

export type ExportFile = { fileName: string; contentType: string; body: string | Uint8Array<ArrayBuffer> };

/** Dates in exports are written in UTC: the server does not know the reader's zone. */
const exportDate = (iso: string) => `${formatDateTime(iso, { timeZone: 'UTC', locale: 'en-GB' })} UTC`;
const languageLabel = (language: string | null) => (language ? languageName(language) : 'Auto-detected');

export function toPlainText(transcript: TranscriptDetails) {
  return transcript.text.endsWith('\n') ? transcript.text : `${transcript.text}\n`;
}

/** Title, date and language above the text. The text is kept as it is: it is the user's. */
export function toMarkdown(transcript: TranscriptDetails) {
  const title = transcript.title.replace(/[\r\n]+/g, ' ');
  return [`# ${title}`, '', `- Date: ${exportDate(transcript.createdAt)}`, `- Language: ${languageLabel(transcript.language)}`, '', toPlainText(transcript)].join('\n');
}

export function toJson(transcript: TranscriptDetails) {
  return `${JSON.stringify(transcript, null, 2)}\n`;
}

export async function toDocx(transcript: TranscriptDetails): Promise<Uint8Array<ArrayBuffer>> {
  const document = new Document({
    title: transcript.title,
    creator: 'Verbatim',
    sections: [
      {
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(transcript.title)] }),
          new Paragraph({ children: [new TextRun({ text: `${exportDate(transcript.createdAt)} · ${languageLabel(transcript.language)}`, italics: true })] }),
          ...transcript.text.split(/\r?\n/).map((line) => new Paragraph({ children: [new TextRun(line)] })),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

export async function exportTranscript(transcript: TranscriptDetails, format: ExportFormat): Promise<ExportFile> {
  const body =
    format === 'txt' ? toPlainText(transcript) : format === 'md' ? toMarkdown(transcript) : format === 'json' ? toJson(transcript) : await toDocx(transcript);
  return { fileName: safeFileName(transcript.title, format), contentType: contentTypes[format], body };
}

/** `attachment` with an ASCII fallback name and the exact name in UTF-8 (RFC 6266). */
export function contentDisposition(fileName: string) {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
