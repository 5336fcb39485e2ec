// Records keyed by data. A name a node or a user chose (channel, group, track, version) may be
// `__proto__`, `constructor` or `toString`: on a plain object, writing such a key changes or hits
// Object.prototype and reading it finds an inherited value. Use a Map, or one of these when the
// record is served as JSON.

/** An empty record without a prototype: every key is an own key, nothing is inherited. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Names refused for things users name (apps, channels, groups, reboot groups). */
export const RESERVED_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export function isReservedName(s: string): boolean {
  return RESERVED_NAMES.includes(s);
}
