// How every Redis key of every store family is named; each family's keys.ts says which keys it
// has, this file says how a key is spelled. A key is `<prefix>:<...>`. The keys one Lua script
// touches together share a hash tag `{<kind>:<name>}`: Redis Cluster hashes only what stands
// between a key's first `{` and the next `}`, so they land in one slot and the script never fails
// with CROSSSLOT. A name inside a tag is escaped: a `}` in it would end the tag early, and two
// different names could then spell one key.

/** What a prefix may be (the same as the --redis-prefix flag allows): it must not open a tag. */
const PREFIX = /^[A-Za-z0-9_-]+$/;
/** What a tag's kind may be: a fixed word of the code. */
const KIND = /^[a-z][a-z-]*$/;

/** `%`, `{` and `}` as `%25`, `%7B`, `%7D`: other names (app ids, group names) are spelled as they are. */
export function escapeName(name: string): string {
  return name.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The keys under one hash tag: `<prefix>:{<tag>}:<word>[:<member>]`. */
export interface HashTag {
  /**
   * `word` is a fixed word of the code (`config`, `pkgs`, `i`); `member` a name that is only ever
   * last in the key (a machine id), so it stays as it is: nothing after it could be confused with it.
   */
  key(word: string, member?: string): string;
}

function hashTag(base: string): HashTag {
  return { key: (word, member) => (member === undefined ? `${base}:${word}` : `${base}:${word}:${member}`) };
}

export class KeySpace {
  constructor(readonly prefix: string) {
    if (!PREFIX.test(prefix)) throw new Error(`Redis key prefix ${JSON.stringify(prefix)}: letters, digits, _ and - only`);
  }

  /** A key that no script shares with another (a global list, the tokens hash): `<prefix>:<word>`. */
  standalone(word: string): string {
    return `${this.prefix}:${word}`;
  }

  /** The family of hash tags `{<kind>:<name>}`, one per name (an app, a group, a machine). */
  tagged(kind: string): (name: string) => HashTag {
    if (!KIND.test(kind)) throw new Error(`hash tag kind ${JSON.stringify(kind)}: lowercase letters and - only`);
    const start = `${this.prefix}:{${kind}:`;
    return (name) => hashTag(`${start}${escapeName(name)}}`);
  }

  /** The one hash tag `{<kind>}` of keys that belong to no name (the coordinator's group lists). */
  fixedTag(kind: string): HashTag {
    if (!KIND.test(kind)) throw new Error(`hash tag kind ${JSON.stringify(kind)}: lowercase letters and - only`);
    return hashTag(`${this.prefix}:{${kind}}`);
  }
}

/**
 * The hash tag of `key` as Redis Cluster reads it (what decides its slot): the text between the
 * first `{` and the next `}` when that is not empty, else the whole key. For tests and tools.
 */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}
