// What a client makes of an answer: read the way update_engine reads it
// (OmahaRequestAction::ParseResponse), judged by response-rules.ts, and a rejected answer turned into
// the error code update_engine reports. build.ts is the server writing these answers.
import { ErrorCode } from './error-codes.ts';
import { ACCEPTED_CHECK_STATUSES, offerProblem, parsePollInterval, scanInt, withTrailingSlash, type OfferParts } from './response-rules.ts';
import { attr, parseXmlTree, rootElement, select, type Element } from './xml-tree.ts';

/** What update_engine keeps from the manifest of an update it accepted. */
export interface OfferedManifest {
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
  | { kind: 'update'; pollInterval: number; manifest: OfferedManifest }
  /** Rejected: `code` is what update_engine reports (30 empty, 31 not XML, 34 invalid). */
  | { kind: 'invalid'; pollInterval: number; code: number; reason: string };

type Unreadable = { code: number; reason: string };

/** The <response> element (undefined when the root is another one), or why update_engine cannot read the body. */
function readDocument(body: string): { response: Element | undefined } | Unreadable {
  if (body.length === 0) return { code: ErrorCode.OmahaRequestEmptyResponseError, reason: 'empty response' };
  let doc: unknown;
  try {
    doc = parseXmlTree(body);
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : undefined;
    return { code: ErrorCode.OmahaRequestXmlParseError, reason: `not XML: ${detail ?? 'parse error'}` };
  }
  if (doc === null || doc === undefined) return { code: ErrorCode.OmahaRequestXmlParseError, reason: 'not XML: no root element' };
  return { response: rootElement(doc, 'response') };
}

function offerParts(checks: Element[]): OfferParts {
  const payload = select(checks, ['manifest', 'packages', 'package'])[0];
  return {
    hasManifest: select(checks, ['manifest']).length > 0,
    codebases: select(checks, ['urls', 'url']).map((u) => attr(u.attrs, 'codebase')),
    payload: payload && { name: attr(payload.attrs, 'name'), size: attr(payload.attrs, 'size') },
    actions: select(checks, ['manifest', 'actions', 'action']).map((a) => ({
      event: attr(a.attrs, 'event'),
      sha256: attr(a.attrs, 'sha256'),
    })),
  };
}

/** Reads the answer to an update check (HTTP 2xx already established). */
export function readCheckAnswer(body: string): CheckAnswer {
  // update_engine forwards a PollInterval only from answers it accepted (noupdate or a valid update).
  const invalid = (code: number, reason: string): CheckAnswer => ({ kind: 'invalid', code, reason, pollInterval: 0 });
  const doc = readDocument(body);
  if ('code' in doc) return invalid(doc.code, doc.reason);
  // XPath over every match, as update_engine's: the first updatecheck of any app counts.
  const checks = select(doc.response ? [doc.response] : [], ['app', 'updatecheck']);
  const updateCheck = checks[0];
  if (updateCheck === undefined) return invalid(ErrorCode.OmahaResponseInvalid, 'no /response/app/updatecheck');
  const pollInterval = parsePollInterval(attr(updateCheck.attrs, 'PollInterval'));
  if (!Object.hasOwn(updateCheck.attrs, 'status')) return invalid(ErrorCode.OmahaResponseInvalid, 'updatecheck has no status');
  const status = attr(updateCheck.attrs, 'status');
  if (!ACCEPTED_CHECK_STATUSES.includes(status)) return invalid(ErrorCode.OmahaResponseInvalid, `updatecheck status "${status}"`);
  if (status === 'noupdate') return { kind: 'noupdate', pollInterval };

  const offer = offerParts(checks);
  const problem = offerProblem(offer);
  if (problem !== null) return invalid(ErrorCode.OmahaResponseInvalid, problem);
  // offerProblem passed: there is a manifest, a named payload and a postinstall action.
  const { name, size } = offer.payload!;
  const manifest = select(checks, ['manifest'])[0]!;
  return {
    kind: 'update',
    pollInterval,
    manifest: {
      version: attr(manifest.attrs, 'version'),
      urls: offer.codebases.map((c) => withTrailingSlash(c) + name),
      name,
      size: scanInt(size),
      sha256: offer.actions.find((a) => a.event === 'postinstall')!.sha256,
    },
  };
}

/**
 * Checks the answer to a ping-only request: update_engine only demands well-formed XML.
 * Returns null when fine, else the error code it would note (it sends no event for pings).
 */
export function checkPingAnswer(body: string): number | null {
  const doc = readDocument(body);
  return 'code' in doc ? doc.code : null;
}

/**
 * response@protocol and each app@status: what a client looks at first to know it talks to an Omaha
 * server that knows its app. Null when the body is not an XML <response> document.
 */
export function readResponseHeader(body: string): { protocol: string; appStatuses: string[] } | null {
  const doc = readDocument(body);
  if ('code' in doc || doc.response === undefined) return null;
  return {
    protocol: attr(doc.response.attrs, 'protocol'),
    appStatuses: select([doc.response], ['app']).map((a) => attr(a.attrs, 'status')),
  };
}
