// Which etcd key a request path names. locksmith keeps its semaphore under
// `coreos.com/updateengine/rebootlock/semaphore` (the default group) or
// `…/rebootlock/groups/<G>/semaphore`, where <G> is Go's url.QueryEscape(group) and the client
// escapes the whole path once more. So the path is decoded exactly once (a `+` stays a plus) to get
// the etcd key, and the group segment is query-unescaped (there `+` is a space) to get the group.
import { isReservedName } from '../../kernel/dict.ts';
import { decodeUtf8, isWellFormed } from '../../kernel/unicode.ts';

/** Where etcd's v2 keys API lives; Platte answers nothing else of etcd. */
export const KEYS_PREFIX = '/v2/keys';
const LOCK_DIR = ['coreos.com', 'updateengine', 'rebootlock'];
/** Same bound as FleetLock's group names. */
const GROUP_MAX = 128;
const CONTROL = /[\u0000-\u001f\u007f]/;

export type KeyTarget =
  /** One of locksmith's semaphore keys; `key` as etcd spells it (`/coreos.com/…/semaphore`). */
  | { kind: 'semaphore'; key: string; group: string }
  /** Any other key: Platte keeps none. */
  | { kind: 'other'; key: string }
  /** A path that names no key at all (bad escapes, a group name Platte cannot keep). */
  | { kind: 'bad'; key: string; problem: string };

/** The path is under /v2/keys (the raw path, before any decoding). */
export function isKeysPath(rawPath: string): boolean {
  return rawPath === KEYS_PREFIX || rawPath.startsWith(`${KEYS_PREFIX}/`);
}

/**
 * Percent-decoding as Go does it, into bytes and then strict UTF-8: `%` must be followed by two hex
 * digits; with `plusIsSpace` (query components) a `+` is a space. Raw non-ASCII is refused: a client
 * escapes it. Null when malformed.
 */
function unescape(s: string, plusIsSpace: boolean): string | null {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === 0x2b && plusIsSpace) bytes.push(0x20);
    else if (c > 0x7e || c < 0x20) return null;
    else bytes.push(c);
  }
  return decodeUtf8(Uint8Array.from(bytes));
}

/** Go's url.PathUnescape: `%XX` decoded, `+` kept. */
export function pathUnescape(s: string): string | null {
  return unescape(s, false);
}

/** Go's url.QueryUnescape: `%XX` decoded, `+` is a space. */
export function queryUnescape(s: string): string | null {
  return unescape(s, true);
}

/** Go's url.QueryEscape: letters, digits and `-_.~` stay, a space is `+`, every other byte `%XX`. */
export function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Why `group` cannot name a reboot group reached through etcd, or null. */
export function groupNameProblem(group: string): string | null {
  if (group === '') return 'is empty';
  if (group.length > GROUP_MAX) return `is longer than ${GROUP_MAX} characters`;
  if (CONTROL.test(group)) return 'contains control characters';
  if (!isWellFormed(group)) return 'is not well-formed Unicode';
  if (isReservedName(group)) return 'is a reserved name';
  return null;
}

/** The etcd key of a group's semaphore as locksmith names it; `null` for the default key. */
export function semaphoreKey(group: string | null): string {
  return `/${[...LOCK_DIR, ...(group === null ? [] : ['groups', queryEscape(group)]), 'semaphore'].join('/')}`;
}

/** The request path as a key in `/v2/keys`, its group when it is a semaphore key. */
export function parseKeyPath(rawPath: string, defaultGroup: string): KeyTarget {
  const decoded = pathUnescape(rawPath.slice(KEYS_PREFIX.length));
  if (decoded === null) return { kind: 'bad', key: rawPath.slice(KEYS_PREFIX.length) || '/', problem: 'the path is not valid percent-encoded UTF-8' };
  // etcd cleans keys: empty segments vanish (`a//b`, a trailing `/`). Dot segments it would resolve are left as another key.
  const parts = decoded.split('/').filter((p) => p !== '');
  const key = `/${parts.join('/')}`;
  if (parts.includes('.') || parts.includes('..')) return { kind: 'other', key };
  const inLockDir = LOCK_DIR.every((p, i) => parts[i] === p);
  if (!inLockDir || parts[parts.length - 1] !== 'semaphore') return { kind: 'other', key };
  if (parts.length === LOCK_DIR.length + 1) return { kind: 'semaphore', key, group: defaultGroup };
  if (parts.length !== LOCK_DIR.length + 3 || parts[LOCK_DIR.length] !== 'groups') return { kind: 'other', key };
  const group = queryUnescape(parts[LOCK_DIR.length + 1] as string);
  if (group === null) return { kind: 'bad', key, problem: 'the group name is not valid query-escaped UTF-8' };
  const problem = groupNameProblem(group);
  if (problem) return { kind: 'bad', key, problem: `the group name ${problem}` };
  return { kind: 'semaphore', key, group };
}
