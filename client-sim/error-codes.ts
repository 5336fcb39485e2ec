// update_engine's error codes (flatcar/update_engine action_processor.h) that a virtual node can
// report in a `3/0` event, and the flag a self-hosted server sees OR-ed into every one of them.

/** kActionCodeTestOmahaUrlFlag: set when the Omaha URL is not the official one (always for Platte). */
export const SELF_HOSTED_FLAG = 1 << 28;

/** Base of the HTTP error range: a failed check reports 2000 + HTTP status (0 = no answer). */
export const HTTP_ERROR_BASE = 2000;

export const ErrorCode = {
  postinstallRunner: 5,
  downloadTransfer: 9,
  payloadHashMismatch: 10,
  payloadSizeMismatch: 11,
  downloadWrite: 14,
  newRootfsVerification: 15,
  omahaRequestEmptyResponse: 30,
  omahaRequestXmlParse: 31,
  omahaResponseInvalid: 34,
  rollback: 44,
} as const;

const NAMES: Record<number, string> = {
  5: 'postinstall runner error',
  9: 'download transfer error',
  10: 'payload hash mismatch',
  11: 'payload size mismatch',
  14: 'download write error',
  15: 'new rootfs verification error',
  30: 'empty Omaha response',
  31: 'Omaha response is not XML',
  34: 'Omaha response invalid',
  44: 'rollback detected',
};

/** The value update_engine puts in `errorcode`: the code with the self-hosted flag. */
export function wireErrorCode(code: number): number {
  return (code | SELF_HOSTED_FLAG) >>> 0;
}

/** Human name of a code (flag bits stripped), e.g. 2503 → "HTTP 503". */
export function errorName(code: number): string {
  const c = code & ~(0xf << 28);
  if (c >= HTTP_ERROR_BASE && c < HTTP_ERROR_BASE + 1000) {
    const status = c - HTTP_ERROR_BASE;
    return status === 0 ? 'no HTTP answer' : `HTTP ${status}`;
  }
  return NAMES[c] ?? `error ${c}`;
}
