import { handlers } from '@/app/(auth)/auth';
import { route } from '@/lib/http/route';

// Auth.js's endpoints are public by nature (sign-in, callbacks, CSRF token); the wrapper still
// caps their bodies (a credentials callback is a form POST that anyone can send) and checks the origin.
export const GET = route({ auth: 'public' }, ({ request }) => handlers.GET(request));
export const POST = route({ auth: 'public' }, ({ request }) => handlers.POST(request));
