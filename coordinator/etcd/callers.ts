// Who calls the etcd surface and what they may do. locksmith can send etcd basic auth
// (LOCKSMITHD_ETCD_USERNAME / _PASSWORD, locksmithctl --etcd-username / --etcd-password): the
// password is a Platte token, the user name is the machine id the caller acts as. Roles are
// Platte's: a read-only token is a node's (take and give back the slot of the id it names), a
// release or admin token an operator's (set max, unlock any id). Without credentials a caller is
// anonymous: like FleetLock, it may take and give back any id, never set max; with
// `--etcd-auth required` it is refused.
import { ROLE_RANK, type Role } from '../../kernel/auth/tokens.ts';
import type { CasOp } from './cas.ts';
import { EtcdError } from './errors.ts';

export type Caller = { kind: 'anonymous' } | { kind: 'token'; user: string; name: string; role: Role };

/** Resolves a token secret to its name and role (kernel/auth's lookup), or null. */
export type ResolveToken = (secret: string) => Promise<{ name: string; role: Role } | null>;

export type EtcdAuthMode = 'optional' | 'required';

const OPERATOR: Role = 'release';

/** `Authorization: Basic base64(user:password)`; null without one, 'malformed' when it cannot be read. */
export function basicCredentials(header: string): { user: string; password: string } | null | 'malformed' {
  if (header === '') return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return 'malformed';
  const text = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return 'malformed';
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** The caller of a request; 401 errorCode 110 for bad, unknown or (when required) missing credentials. */
export async function callerOf(header: string, resolve: ResolveToken | undefined, mode: EtcdAuthMode): Promise<Caller> {
  const creds = basicCredentials(header);
  if (creds === 'malformed') throw new EtcdError(110, 'Authorization must be Basic base64(user:password), the password a Platte token');
  if (creds === null) {
    if (mode === 'required') throw new EtcdError(110, 'credentials required: user = machine id, password = a Platte token');
    return { kind: 'anonymous' };
  }
  const who = resolve && creds.password !== '' ? await resolve(creds.password) : null;
  if (!who) throw new EtcdError(110, 'unknown or revoked token (the password must be a Platte token)');
  return { kind: 'token', user: creds.user, name: who.name, role: who.role };
}

export function isOperator(c: Caller): boolean {
  return c.kind === 'token' && ROLE_RANK[c.role] >= ROLE_RANK[OPERATOR];
}

/** Why `caller` may not do `op` (401 anonymous, 403 a token with too small a role), or null. */
export function permissionProblem(op: CasOp, caller: Caller, index: number): EtcdError | null {
  if (op.kind === 'none' || isOperator(caller)) return null;
  if (op.kind === 'set-max') {
    const why = `changing max needs a token with the ${OPERATOR} role`;
    if (caller.kind === 'anonymous') return new EtcdError(110, `${why}; send one as the password`, index);
    return new EtcdError(110, `${why}; this one has ${caller.role}`, index, 403);
  }
  if (caller.kind === 'anonymous' || caller.user === op.id) return null;
  const verb = op.kind === 'acquire' ? 'take' : 'give back';
  const why = `a ${caller.role} token may ${verb} only the slot of the id it names as user (${JSON.stringify(caller.user)})`;
  return new EtcdError(110, `${why}; ${JSON.stringify(op.id)} needs the ${OPERATOR} role`, index, 403);
}

/** An operator giving back another id's slot (a force-unlock, in their name); null for a node's own. */
export function unlockingOperator(id: string, caller: Caller): string | null {
  return isOperator(caller) && caller.kind === 'token' && caller.user !== id ? caller.name : null;
}
