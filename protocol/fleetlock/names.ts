// What a FleetLock group name and node id may look like (protocol: group ^[a-zA-Z0-9.-]+$, id non-empty).
import { RESERVED_NAMES } from '../../kernel/dict.ts';
import { isWellFormed } from '../../kernel/unicode.ts';

/** The protocol's pattern, minus the names refused wherever users name things (server/domain/dict.ts). */
export const GROUP_PATTERN = new RegExp(`^(?!(?:${RESERVED_NAMES.join('|')})$)[a-zA-Z0-9.-]+$`);
export const GROUP_MAX = 128;
const HOLDER_ID_MAX = 256;

export function isGroupName(s: string): boolean {
  return s.length <= GROUP_MAX && GROUP_PATTERN.test(s);
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Why `id` cannot be a holder id, or null. Ids are 1 to 256 characters without control characters,
 * and well-formed Unicode: Redis would store every lone surrogate as the same U+FFFD, merging
 * `node\ud800` and `node\udbff` into one holder, where SQLite keeps them apart.
 */
export function holderIdProblem(id: string): string | null {
  if (id === '') return 'must not be empty';
  if (id.length > HOLDER_ID_MAX) return `is longer than ${HOLDER_ID_MAX} characters`;
  if (CONTROL.test(id)) return 'must not contain control characters';
  if (!isWellFormed(id)) return 'must be well-formed Unicode (it has a lone surrogate)';
  return null;
}
