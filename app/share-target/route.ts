import { NextResponse } from 'next/server';

/**
 * Reached only when the service worker that receives shared files is not running yet (the first
 * visit after installing). The body is not read: the page explains how to share again.
 */
export function POST(request: Request) {
  return NextResponse.redirect(new URL('/?shared=unavailable', request.url), 303);
}
