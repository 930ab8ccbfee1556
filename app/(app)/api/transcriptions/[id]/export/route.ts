import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { contentDisposition, EXPORT_FORMATS, exportTranscript } from '@/lib/export/transcript-export';
import { getOwnedTranscriptDetails, loadOwnedTranscript } from '../owned';

export const runtime = 'nodejs';

const exportQuerySchema = z.object({ format: z.enum(EXPORT_FORMATS, { error: `format must be one of ${EXPORT_FORMATS.join(', ')}.` }) });

/** The transcript as a file to download, named after its title. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const query = exportQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return new AppError('bad_request:api', query.error.issues[0]?.message).toResponse();

  const file = await exportTranscript(await getOwnedTranscriptDetails(owned), query.data.format);
  return new Response(file.body, {
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': contentDisposition(file.fileName),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
