import { checkHealth } from '@/lib/health';
import { route } from '@/lib/http/route';
import { instanceId } from '@/lib/instance';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * For load balancers: 200 when this instance's database and audio store answer, else 503 naming
 * the part that does not. No details, no configuration, no user data.
 */
export const GET = route({ auth: 'public' }, async () => {
  const health = await checkHealth();
  return Response.json({ ...health, instance: instanceId }, { status: health.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
});
