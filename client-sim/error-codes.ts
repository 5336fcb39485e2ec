// The update_engine error codes a virtual node reports in a `3/0` event. Numbers, flag bits and
// names come from the server's table (server/omaha/error-codes.ts): one source for both sides.
import { ERROR_FLAGS, ErrorCode as UE, HTTP_RESPONSE_BASE, errorCodeName, stripErrorFlags } from '../protocol/omaha/error-codes.ts';

/** kActionCodeTestOmahaUrlFlag: set when the Omaha URL is not the official one (always for Platte). */
export const SELF_HOSTED_FLAG = ERROR_FLAGS['test-omaha-url'];

/** Base of the HTTP error range: a failed check reports 2000 + HTTP status (0 = no answer). */
export const HTTP_ERROR_BASE = HTTP_RESPONSE_BASE;

/** The faults the simulator injects, by what they mean to a node. */
export const ErrorCode = {
  postinstallRunner: 5,
  downloadTransfer: UE.DownloadTransferError,
  payloadHashMismatch: UE.PayloadHashMismatch,
  payloadSizeMismatch: UE.PayloadSizeMismatch,
  downloadWrite: 14,
  newRootfsVerification: 15,
  omahaRequestEmptyResponse: 30,
  omahaRequestXmlParse: UE.OmahaRequestXmlParseError,
  omahaResponseInvalid: UE.OmahaResponseInvalid,
  rollback: UE.RollbackError,
} as const;

/** The value update_engine puts in `errorcode`: the code with the self-hosted flag. */
export function wireErrorCode(code: number): number {
  return (code | SELF_HOSTED_FLAG) >>> 0;
}

/** Name of a code (flag bits stripped) for the summary, e.g. 2503 → "HTTP 503". */
export function errorName(code: number): string {
  const c = stripErrorFlags(code);
  if (c >= HTTP_ERROR_BASE && c < HTTP_ERROR_BASE + 1000) {
    const status = c - HTTP_ERROR_BASE;
    return status === 0 ? 'no HTTP answer' : `HTTP ${status}`;
  }
  return errorCodeName(c).replace(/-/g, ' ');
}
