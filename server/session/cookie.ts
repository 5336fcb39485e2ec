// The session cookie on the wire: HttpOnly (the page's script never sees the id), SameSite=Strict
// (no other site's page sends it), Path=/, and Secure when the request came over TLS: to Platte
// itself, or to a trusted proxy (--trusted-proxy) that says so in X-Forwarded-Proto.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Context } from 'koa';
import proxyaddr from 'proxy-addr';
import { SESSION_COOKIE } from './types.ts';

export type TlsCheck = (ctx: Context) => boolean;

/** Whether a request came over TLS, believing X-Forwarded-Proto only from a trusted proxy. */
export function tlsCheck(trustedProxies: readonly string[]): TlsCheck {
  const trust = proxyaddr.compile([...trustedProxies]);
  return (ctx) => {
    const req: IncomingMessage = ctx.req;
    if ((req.socket as TLSSocket).encrypted) return true;
    const peer = req.socket.remoteAddress;
    if (!peer || !trust(peer, 0)) return false;
    const proto = ctx.get('x-forwarded-proto').split(',')[0]?.trim().toLowerCase();
    return proto === 'https';
  };
}

function allowSecure(ctx: Context, secure: boolean): void {
  // Koa's cookie jar refuses a Secure cookie on a request it believes plain (it trusts no proxy:
  // app.proxy is off); we decided above whom to believe.
  if (secure) ctx.cookies.secure = true;
}

export function setSessionCookie(ctx: Context, id: string, maxAgeMs: number, secure: boolean): void {
  allowSecure(ctx, secure);
  ctx.cookies.set(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: maxAgeMs, overwrite: true });
}

export function clearSessionCookie(ctx: Context, secure: boolean): void {
  allowSecure(ctx, secure);
  ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: 0, overwrite: true });
}
