import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { contentDisposition, EXPORT_FORMATS, exportTranscript } from '@/lib/export/transcript-export';
import { route } from '@/lib/http/route';
import { getOwnedTranscript, getOwnedTranscriptDetails } from '@/lib/owned-transcript';

export const runtime = 'nodejs';

const exportQuerySchema = z.object({ format: z.enum(EXPORT_FORMATS, { error: `format must be one of ${EXPORT_FORMATS.join(', ')}.` }) });

/** The transcript as a file to download, named after its title. */
export const GET = route({ auth: 'session' }, async ({ request, params, userId }) => {
  const query = exportQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw new AppError('bad_request:api', query.error.issues[0]?.message);
  const transcript = await getOwnedTranscript({ id: params.id, userId });

  const file = await exportTranscript(await getOwnedTranscriptDetails({ transcript, userId }), query.data.format);
  return new Response(file.body, {
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': contentDisposition(file.fileName),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
});
