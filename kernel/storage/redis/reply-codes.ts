// The codes every Lua script of every store family answers with: one table, so a code means one
// thing wherever it comes from. Scripts never spell a code as a number: they include
// `replyCodes.lua`, which the loader (scripts.ts) generates from this table, and write
// `ReplyCode.missing`. Each script's header names the codes it answers (tests/helpers/lua-headers.ts).
// Negative codes are refusals: nothing was written (but what the header says, such as a group
// created on first use).

export const ReplyCode = {
  /** Nothing to do: nothing matched (a release by a node that holds no slot, an instance kept). */
  none: 0,
  /** Done as asked (created, applied, granted, released, admitted, forgotten, removed). */
  ok: 1,
  /** Done, replacing what was there (a group of the app rewritten). */
  updated: 2,
  /** The caller holds already what it asked for (a pre-reboot by a holder): nothing changed. */
  held: 3,
  /** The app or reboot group the call is about does not exist. */
  missing: -1,
  /** What the call would create exists already (an app, a package, a first token). */
  exists: -2,
  /** No package of the version a channel would point at. */
  noPackage: -3,
  /** Another group of the app has the track. */
  trackTaken: -4,
  /** The caller decided on a configuration epoch that is not the current one: decide again. */
  staleConfig: -5,
  /** The reboot group is paused. */
  paused: -6,
  /** None of the reboot group's windows is open. */
  outsideWindow: -7,
  /** Every slot of the reboot group is taken. */
  full: -8,
  /** As many groups created on first use as the cap allows exist already. */
  capReached: -9,
  /** An operator configured the group: it is kept for good (never forgotten). */
  configured: -10,
  /** The group saw activity after the cutoff: kept. */
  active: -11,
  /** The channel a promotion names does not exist (channels are created explicitly). */
  noChannel: -12,
} as const;

export type ReplyCode = (typeof ReplyCode)[keyof typeof ReplyCode];

const NAMES = new Map<number, string>(Object.entries(ReplyCode).map(([name, code]) => [code, name]));

/** The code's name (`full`), for messages; undefined for a number that is no code. */
export function replyCodeName(code: unknown): string | undefined {
  return typeof code === 'number' ? NAMES.get(code) : undefined;
}

/** A Lua script answered what its caller does not expect: a bug (a 500), never the caller's fault. */
export class UnexpectedReplyError extends Error {
  override readonly name = 'UnexpectedReplyError';
  constructor(
    readonly script: string,
    readonly reply: unknown,
  ) {
    const head = Array.isArray(reply) ? reply[0] : reply;
    const name = replyCodeName(head);
    super(`Lua script ${script} returned an unexpected reply${name ? ` (${name})` : ''}: ${JSON.stringify(reply)?.slice(0, 200)}`);
  }
}

/** The one way an unexpected reply becomes an error (`throw unexpectedReply('putTrackGroup', reply)`). */
export function unexpectedReply(script: string, reply: unknown): UnexpectedReplyError {
  return new UnexpectedReplyError(script, reply);
}

/** The Lua include `replyCodes.lua`: this table as `local ReplyCode = {...}`. */
export function replyCodesLua(): string {
  const fields = Object.entries(ReplyCode).map(([name, code]) => `${name} = ${code}`);
  return `-- ReplyCode: generated from kernel/storage/redis/reply-codes.ts, the one table of reply codes.\nlocal ReplyCode = {${fields.join(', ')}}\n`;
}
