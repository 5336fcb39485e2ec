// update_engine error codes, as sent in <event ... errorcode="N">.
//
// Numbers and meanings follow the ActionExitCode enum of flatcar/update_engine
// (src/update_engine/action_processor.h); the names here are our own kebab-case spelling of them.
//
// The top four bits are flags OR-ed into the code, not part of it:
//   1<<31 dev mode, 1<<30 resumed update, 1<<29 test image, 1<<28 test Omaha URL.
// update_engine sets the 1<<28 flag whenever it talks to a server other than the official one, so a
// self-hosted server sees e.g. 268435490 (= 1<<28 | 34). It prints the code with %d, so with the
// 1<<31 flag the number arrives negative. stripErrorFlags handles both forms.

export const ERROR_FLAGS = {
  'dev-mode': 0x80000000,
  'resumed': 0x40000000,
  'test-image': 0x20000000,
  'test-omaha-url': 0x10000000,
} as const;
export type ErrorFlag = keyof typeof ERROR_FLAGS;

/** Mask of every flag bit (1<<28 … 1<<31). */
export const ERROR_FLAG_MASK = 0xf0000000;

/** update_engine reports a failed HTTP exchange as 2000 + status (status clamped to 0..999). */
export const HTTP_RESPONSE_BASE = 2000;

/** The codes Platte looks at by number. */
export const ErrorCode = {
  Success: 0,
  Error: 1,
  DownloadTransferError: 9,
  PayloadHashMismatch: 10,
  PayloadSizeMismatch: 11,
  OmahaRequestXmlParseError: 31,
  OmahaResponseInvalid: 34,
  OmahaErrorInHttpResponse: 37,
  OmahaUpdateDeferredForBackoff: 40,
  RollbackError: 44,
  DownloadIncomplete: 100,
} as const;

// Index = code. Written from the enum in action_processor.h.
const NAMES: readonly string[] = [
  'success', // 0
  'error',
  'omaha-request-error',
  'omaha-response-handler-error',
  'filesystem-copier-error',
  'postinstall-runner-error', // 5
  'set-bootable-flag-error',
  'install-device-open-error',
  'kernel-device-open-error',
  'download-transfer-error',
  'payload-hash-mismatch-error', // 10
  'payload-size-mismatch-error',
  'download-payload-verification-error',
  'download-new-partition-info-error',
  'download-write-error',
  'new-rootfs-verification-error', // 15
  'new-kernel-verification-error',
  'signed-delta-payload-expected-error',
  'download-payload-pubkey-verification-error',
  'postinstall-booted-from-firmware-b',
  'download-state-initialization-error', // 20
  'download-invalid-metadata-magic-string',
  'download-signature-missing-in-manifest',
  'download-manifest-parse-error',
  'download-metadata-signature-error',
  'download-metadata-signature-verification-error', // 25
  'download-metadata-signature-mismatch',
  'download-operation-hash-verification-error',
  'download-operation-execution-error',
  'download-operation-hash-mismatch',
  'omaha-request-empty-response-error', // 30
  'omaha-request-xml-parse-error',
  'download-invalid-metadata-size',
  'download-invalid-metadata-signature',
  'omaha-response-invalid',
  'omaha-update-ignored-per-policy', // 35
  'omaha-update-deferred-per-policy',
  'omaha-error-in-http-response',
  'download-operation-hash-missing-error',
  'download-metadata-signature-missing-error',
  'omaha-update-deferred-for-backoff', // 40
  'postinstall-powerwash-error',
  'new-pcr-policy-verification-error',
  'new-pcr-policy-http-error',
  'rollback-error', // 44
];

/** True when `code` fits the 32 bits update_engine sends (signed or unsigned reading). */
function is32Bit(code: number): boolean {
  return Number.isInteger(code) && code >= -(2 ** 31) && code <= 2 ** 32 - 1;
}

/**
 * The code without its flag bits (1<<28 … 1<<31). Values that are not 32-bit integers are returned
 * unchanged, so garbage stays visible instead of turning into a plausible code.
 */
export function stripErrorFlags(code: number): number {
  if (!is32Bit(code)) return code;
  return (code >>> 0) & ~ERROR_FLAG_MASK;
}

/** Names of the flags set in `code`, highest bit first. */
export function errorFlags(code: number): ErrorFlag[] {
  if (!is32Bit(code)) return [];
  const bits = code >>> 0;
  return (Object.keys(ERROR_FLAGS) as ErrorFlag[]).filter((f) => (bits & ERROR_FLAGS[f]) >>> 0 !== 0);
}

/**
 * update_engine's name for a code, flags stripped first: `payload-hash-mismatch-error`,
 * `omaha-request-http-response-503`, or `unknown-<code>` for numbers it does not define.
 */
export function errorCodeName(code: number): string {
  const c = stripErrorFlags(code);
  if (!Number.isInteger(c)) return 'unknown';
  const name = c >= 0 ? NAMES[c] : undefined;
  if (name !== undefined) return name;
  if (c === ErrorCode.DownloadIncomplete) return 'download-incomplete';
  if (c >= HTTP_RESPONSE_BASE && c < HTTP_RESPONSE_BASE + 1000) {
    return `omaha-request-http-response-${c - HTTP_RESPONSE_BASE}`;
  }
  return `unknown-${c}`;
}

/** For logs and the UI: `34 omaha-response-invalid (test-omaha-url)`. */
export function describeErrorCode(code: number): string {
  const flags = errorFlags(code);
  const base = `${stripErrorFlags(code)} ${errorCodeName(code)}`;
  return flags.length ? `${base} (${flags.join(', ')})` : base;
}
