// Text at the edges: every surface reads bodies as strict UTF-8 and refuses strings holding a lone
// UTF-16 surrogate (JSON "\ud800", XML &#xD800;). Such strings have no UTF-8 form, so each store
// (and each client library) would write something of its own in their place: Redis gets U+FFFD for
// every one of them, so "a\ud800" and "a\udbff" become the same key there and not elsewhere.
// Refusing them at the door means both stores always see the same text.

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** `bytes` as text, or null when they are not valid UTF-8. A leading byte order mark is dropped. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return UTF8.decode(bytes);
  } catch {
    return null;
  }
}

// In a u-mode regex a surrogate pair is one code point, so \p{Cs} matches a lone half only.
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;

/** No lone surrogate in `s` (String.prototype.isWellFormed, which TypeScript's ES2023 lib lacks). */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** `s` with each lone surrogate replaced by U+FFFD, for messages. */
function printable(s: string): string {
  return s.replace(LONE_SURROGATES, '\uFFFD');
}

export interface IllFormed {
  /** Keys from the top, e.g. ['extraFiles', '1', 'name']; empty for the value itself. */
  path: string[];
  /** The last path element is the offending object key itself (printable), not a string value. */
  inKey: boolean;
}

interface Step {
  value: unknown;
  parent: Step | null;
  key: string;
}

function pathOf(step: Step): string[] {
  const path: string[] = [];
  for (let s: Step | null = step; s?.parent; s = s.parent) path.push(s.key);
  return path.reverse();
}

/**
 * The first string value or object key in a parsed JSON value that is not well-formed, or null.
 * Iterative, so a deeply nested body cannot overflow the stack.
 */
export function findIllFormed(value: unknown): IllFormed | null {
  const stack: Step[] = [{ value, parent: null, key: '' }];
  for (let step = stack.pop(); step; step = stack.pop()) {
    const v = step.value;
    if (typeof v === 'string') {
      if (!isWellFormed(v)) return { path: pathOf(step), inKey: false };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], parent: step, key: String(i) });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (const [key] of entries) {
        if (!isWellFormed(key)) return { path: pathOf({ value: key, parent: step, key: printable(key) }), inKey: true };
      }
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], parent: step, key: entries[i]![0] });
    }
  }
  return null;
}
