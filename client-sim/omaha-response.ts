// Reads an Omaha answer the way update_engine does (OmahaRequestAction::ParseResponse): it accepts
// what update_engine accepts and turns everything else into the error code update_engine reports.
import xml2js from 'xml2js';
import { ErrorCode } from './error-codes.ts';
import { parsePollInterval } from './timing.ts';

export interface Manifest {
  /** manifest@version (informational for update_engine; the node boots into it). */
  version: string;
  /** Full payload URLs, in order: codebase (with a `/` added when missing) + package name. */
  urls: string[];
  /** First package: the payload. */
  name: string;
  size: number;
  /** postinstall action's sha256: base64 SHA-256 of the payload. */
  sha256: string;
}

export type CheckAnswer =
  | { kind: 'noupdate'; pollInterval: number }
  | { kind: 'update'; pollInterval: number; manifest: Manifest }
  /** Rejected: `code` is what update_engine reports (30 empty, 31 not XML, 34 invalid). */
  | { kind: 'invalid'; pollInterval: number; code: number; reason: string };

type El = Record<string, unknown> | string;

function attrs(el: El | undefined): Record<string, string> {
  if (!el || typeof el === 'string') return {};
  return (el.$ as Record<string, string> | undefined) ?? {};
}

function kids(el: El | undefined, name: string): El[] {
  if (!el || typeof el === 'string') return [];
  const v = el[name];
  return Array.isArray(v) ? (v as El[]) : [];
}

/** Every element reached by following `path` from `roots` (XPath `/a/b/c` over all matches). */
function select(roots: El[], path: string[]): El[] {
  let cur = roots;
  for (const name of path) cur = cur.flatMap((el) => kids(el, name));
  return cur;
}

/** update_engine's ParseInt: sscanf("%" PRIi64): leading blanks, sign, 0x hex, 0 octal, stops at junk. */
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

/**
 * One parser reused for every answer: with async:false xml2js parses synchronously, so calls never
 * overlap, and reset() drops the previous call's listeners.
 */
const parser = new xml2js.Parser({ async: false, explicitArray: true, explicitRoot: true, attrkey: '$', strict: true });

function parseXml(body: string): { doc: Record<string, El> } | { error: string } {
  let doc: Record<string, El> | null = null;
  let error: string | null = null;
  parser.reset();
  parser.parseString(body, (err: Error | null, result: unknown) => {
    if (err) error = err.message.split('\n')[0] ?? 'parse error';
    else doc = (result as Record<string, El> | null) ?? null;
  });
  if (error !== null) return { error };
  if (doc === null) return { error: 'no root element' };
  return { doc };
}

/**
 * Recent answers by exact body: a fleet gets the same few answers over and over (noupdate, or the
 * same manifest; only daystart changes), so most parses are skipped. Answers are never mutated.
 */
const recent = new Map<string, CheckAnswer>();
const RECENT_MAX = 64;

/** Checks an answer body to an update check (HTTP 2xx already established). */
export function parseCheckAnswer(body: string): CheckAnswer {
  const known = recent.get(body);
  if (known) return known;
  const answer = readCheckAnswer(body);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(body, answer);
  return answer;
}

function readCheckAnswer(body: string): CheckAnswer {
  // update_engine forwards a PollInterval only from answers it accepted (noupdate or a valid update).
  const invalid = (code: number, reason: string): CheckAnswer => ({ kind: 'invalid', code, reason, pollInterval: 0 });
  if (body.length === 0) return invalid(ErrorCode.omahaRequestEmptyResponse, 'empty response');
  const parsed = parseXml(body);
  if ('error' in parsed) return invalid(ErrorCode.omahaRequestXmlParse, `not XML: ${parsed.error}`);
  const root = parsed.doc.response;
  const responses = root === undefined ? [] : [root];
  const apps = select(responses, ['app']);

  const updateCheck = select(apps, ['updatecheck'])[0];
  if (updateCheck === undefined) return invalid(ErrorCode.omahaResponseInvalid, 'no /response/app/updatecheck');
  const uc = attrs(updateCheck);
  const pollInterval = parsePollInterval(uc.PollInterval);
  if (uc.status === undefined) return invalid(ErrorCode.omahaResponseInvalid, 'updatecheck has no status');
  if (uc.status === 'noupdate') return { kind: 'noupdate', pollInterval };
  if (uc.status !== 'ok') return invalid(ErrorCode.omahaResponseInvalid, `updatecheck status "${uc.status}"`);

  const checks = select(apps, ['updatecheck']);
  const manifestEl = select(checks, ['manifest'])[0];
  if (manifestEl === undefined) return invalid(ErrorCode.omahaResponseInvalid, 'no manifest');

  const urlEls = select(checks, ['urls', 'url']);
  if (urlEls.length === 0) return invalid(ErrorCode.omahaResponseInvalid, 'no url');
  const codebases: string[] = [];
  for (const u of urlEls) {
    const codebase = attrs(u).codebase ?? '';
    if (codebase === '') return invalid(ErrorCode.omahaResponseInvalid, 'url with an empty codebase');
    codebases.push(codebase);
  }

  const pkg = select(checks, ['manifest', 'packages', 'package'])[0];
  if (pkg === undefined) return invalid(ErrorCode.omahaResponseInvalid, 'no package');
  const name = attrs(pkg).name ?? '';
  if (name === '') return invalid(ErrorCode.omahaResponseInvalid, 'package without a name');
  const size = scanInt(attrs(pkg).size ?? '');
  if (size <= 0) return invalid(ErrorCode.omahaResponseInvalid, `invalid payload size "${attrs(pkg).size ?? ''}"`);

  const actions = select(checks, ['manifest', 'actions', 'action']);
  if (actions.length === 0) return invalid(ErrorCode.omahaResponseInvalid, 'no actions');
  const postinstall = actions.find((a) => attrs(a).event === 'postinstall');
  if (postinstall === undefined) return invalid(ErrorCode.omahaResponseInvalid, 'no postinstall action');
  const sha256 = attrs(postinstall).sha256 ?? '';
  if (sha256 === '') return invalid(ErrorCode.omahaResponseInvalid, 'empty sha256');

  const urls = codebases.map((c) => (c.endsWith('/') ? c : `${c}/`) + name);
  return {
    kind: 'update',
    pollInterval,
    manifest: { version: attrs(manifestEl).version ?? '', urls, name, size, sha256 },
  };
}

/**
 * Checks the answer to a ping-only request: update_engine only demands well-formed XML.
 * Returns null when fine, else the error code it would note (it sends no event for pings).
 */
export function checkPingAnswer(body: string): number | null {
  if (body.length === 0) return ErrorCode.omahaRequestEmptyResponse;
  return 'error' in parseXml(body) ? ErrorCode.omahaRequestXmlParse : null;
}
