// Bearer-token authentication for the JSON API. Tokens are random secrets; only their SHA-256 is
// stored. Roles are ordered: read-only < release < admin. Omaha and FleetLock stay open to nodes.
// A browser signed in with a token sends a session cookie instead of the header: the session
// middleware (server/session) leaves the token's hash in ctx.state.session, and it is checked here
// through the same lookup and revocation cache as a bearer token.
import crypto from 'node:crypto';
import type { Middleware } from 'koa';
import { ApiError } from '../http/errors.ts';
import { ROLE_RANK, type Role, type TokenLookup, type TokenRecord } from './tokens.ts';

export function hashToken(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

export function newTokenSecret(): string {
  return `plt_${crypto.randomBytes(24).toString('base64url')}`;
}

export interface Principal {
  name: string;
  role: Role;
}

/** Koa middleware factory: `requireRole('release')` lets release and admin tokens through. */
export type RequireRole = (min: Role) => Middleware;

export interface Auth {
  requireRole: RequireRole;
  /** Resolves a bearer secret to its principal, or null. */
  resolve(secret: string): Promise<Principal | null>;
  /** Resolves a token by its hash (what a session keeps) to its principal, or null once revoked. */
  resolveHash(hash: string): Promise<Principal | null>;
}

/** What a request signed in by session cookie carries in `ctx.state.session`. */
export interface SessionCredential {
  /** Hash of the token the session was opened with. */
  tokenHash: string;
}

export interface AuthOptions {
  /** Clock for the token cache (tests pass a fake one). */
  now?: () => number;
}

/**
 * How long a lookup is reused. A revocation evicts its token at once on this process and, through
 * the store's announcement, on every other one; this bounds how long a revocation whose
 * announcement was lost keeps being honoured.
 */
const CACHE_MS = 5_000;

export function createAuth(tokens: TokenLookup, adminToken?: string, opts: AuthOptions = {}): Auth {
  const now = opts.now ?? Date.now;
  const adminHash = adminToken ? hashToken(adminToken) : null;
  const cache = new Map<string, { at: number; rec: TokenRecord | null }>();
  // Bumped by every revocation: a lookup that was in flight across one is used but not kept.
  let revocations = 0;
  tokens.onTokenRevoked((hash) => {
    revocations++;
    if (hash === null) cache.clear();
    else cache.delete(hash);
  });

  async function resolveHash(hash: string): Promise<Principal | null> {
    if (adminHash && hash.length === adminHash.length && crypto.timingSafeEqual(Buffer.from(hash), Buffer.from(adminHash))) {
      return { name: 'admin (PLATTE_ADMIN_TOKEN)', role: 'admin' };
    }
    const hit = cache.get(hash);
    let rec: TokenRecord | null;
    if (hit && now() - hit.at < CACHE_MS) rec = hit.rec;
    else {
      const at = now();
      const seen = revocations;
      rec = await tokens.findToken(hash);
      if (cache.size > 10_000) cache.clear();
      if (seen === revocations) cache.set(hash, { at, rec });
    }
    return rec ? { name: rec.name, role: rec.role } : null;
  }

  const resolve = (secret: string) => resolveHash(hashToken(secret));

  /** The bearer header wins; without one, the session the cookie opened; else 401. */
  async function principalOf(header: string, session: SessionCredential | undefined): Promise<Principal> {
    if (!header && session) {
      const who = await resolveHash(session.tokenHash);
      if (!who) throw new ApiError('unauthorized', 'the session ended: its token was revoked; sign in again');
      return who;
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new ApiError('unauthorized', 'missing bearer token (Authorization: Bearer <token>) or session');
    const who = await resolve(m[1] as string);
    if (!who) throw new ApiError('unauthorized', 'unknown or revoked token');
    return who;
  }

  const requireRole: RequireRole = (min) => async (ctx, next) => {
    const who = await principalOf(ctx.get('authorization'), ctx.state.session as SessionCredential | undefined);
    if (ROLE_RANK[who.role] < ROLE_RANK[min]) {
      throw new ApiError('forbidden', `this action needs the ${min} role; the token has ${who.role}`);
    }
    ctx.state.principal = who;
    await next();
  };

  return { requireRole, resolve, resolveHash };
}

/** Name of the caller for activity logs. */
export function actorOf(state: { principal?: Principal }): string {
  return state.principal?.name ?? 'anonymous';
}
