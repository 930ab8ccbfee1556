import { NextResponse } from 'next/server';
import { route } from '@/lib/http/route';

/**
 * Reached only when the service worker that receives shared files is not running yet (the first
 * visit after installing). The body is not read: the page explains how to share again. A POST
 * that another site sent is refused by the wrapper's origin check, so it cannot make the app
 * announce a share.
 */
export const POST = route({ auth: 'public', body: 'own' }, ({ request }) => NextResponse.redirect(new URL('/?shared=unavailable', request.url), 303));
