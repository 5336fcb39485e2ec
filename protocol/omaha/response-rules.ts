// What update_engine accepts in an answer to an update check (OmahaRequestAction::ParseResponse in
// flatcar/update_engine), written once for both sides: a client reading an answer
// (client-response.ts) rejects one that breaks a rule with error 34, and the server's builder
// (build.ts) refuses to send one, since that would be a server bug. Values are judged as
// update_engine reads them: attribute strings as sent.

/** updatecheck@status values update_engine acts on; any other status, or none, is error 34. */
export const ACCEPTED_CHECK_STATUSES: readonly string[] = ['noupdate', 'ok'];

/** What update_engine reads from an `ok` updatecheck: attribute values as sent, '' when absent. */
export interface OfferParts {
  /** updatecheck/manifest exists. */
  hasManifest: boolean;
  /** updatecheck/urls/url@codebase, every one, in order. */
  codebases: string[];
  /** The first updatecheck/manifest/packages/package: the payload. Undefined when there is none. */
  payload: { name: string; size: string } | undefined;
  /** updatecheck/manifest/actions/action, every one, in order. */
  actions: { event: string; sha256: string }[];
}

/** The first rule `offer` breaks, as a short reason, or null when update_engine takes the update. */
export function offerProblem(offer: OfferParts): string | null {
  if (!offer.hasManifest) return 'no manifest';
  if (offer.codebases.length === 0) return 'no URL';
  if (offer.codebases.some((c) => c === '')) return 'a URL with an empty codebase';
  const payload = offer.payload;
  if (payload === undefined) return 'no package';
  if (payload.name === '') return 'the payload package has no name';
  if (scanInt(payload.size) <= 0) return `invalid payload size "${payload.size}"`;
  if (offer.actions.length === 0) return 'no actions';
  const postinstall = offer.actions.find((a) => a.event === 'postinstall');
  if (postinstall === undefined) return 'no postinstall action';
  if (postinstall.sha256 === '') return 'the postinstall action has an empty sha256';
  return null;
}

/** update_engine adds the '/' between codebase and package name itself when the codebase lacks it. */
export function withTrailingSlash(codebase: string): string {
  return codebase.endsWith('/') ? codebase : `${codebase}/`;
}

/** update_engine's ParseInt, which reads package@size: sscanf("%" PRIi64): leading blanks, sign, 0x hex, 0 octal, stops at junk. */
export function scanInt(raw: string): number {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(raw);
  if (!m) return 0;
  const digits = m[2]!;
  let n: number;
  if (/^0[xX]/.test(digits)) n = Number.parseInt(digits.slice(2), 16);
  else if (digits.length > 1 && digits.startsWith('0')) n = Number.parseInt(digits.slice(1), 8);
  else n = Number.parseInt(digits, 10);
  return m[1] === '-' ? -n : n;
}

/** `PollInterval` as update_engine reads it (StringToInt, else 0); 0 means "not set". */
export function parsePollInterval(raw: string | undefined): number {
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0;
  const n = Number.parseInt(raw, 10);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
