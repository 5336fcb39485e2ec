// Browser sessions for the dashboard: what a session is, where it is kept (the SessionStore port,
// one per backend), and the names the page and the server agree on. A session holds only the hash
// of the token it was opened with, so every request is checked through the same token lookup (and
// revocation cache) as a bearer token: revoking the token ends its sessions within seconds.

/** The cookie that carries the session id (HttpOnly, SameSite=Strict, Secure over TLS). */
export const SESSION_COOKIE = 'platte_session';

/**
 * The header a state-changing request signed in by cookie must carry, with the value the session
 * answers (POST/GET /api/v1/session). A page on another site can neither read that value nor set
 * this header on a cross-site request without CORS, which Platte never grants.
 */
export const CSRF_HEADER = 'x-platte-csrf';

/** How long a session lasts from sign-in. */
export const SESSION_TTL_MS = 12 * 3600_000;

export interface SessionRecord {
  /** SHA-256 (hex) of the API token the session was opened with. */
  tokenHash: string;
  /** The CSRF value state-changing requests must send in CSRF_HEADER. */
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

/**
 * Sessions by key: the SHA-256 of the cookie's id, so a copy of the store does not hand out
 * working cookies. Expired sessions are never returned.
 */
export interface SessionStore {
  put(key: string, session: SessionRecord): Promise<void>;
  get(key: string, now: number): Promise<SessionRecord | null>;
  remove(key: string): Promise<void>;
}
