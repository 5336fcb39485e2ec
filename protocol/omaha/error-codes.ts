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

const ERROR_FLAGS = {
  'dev-mode': 0x80000000,
  'resumed': 0x40000000,
  'test-image': 0x20000000,
  'test-omaha-url': 0x10000000,
} as const;
export type ErrorFlag = keyof typeof ERROR_FLAGS;

/** Mask of every flag bit (1<<28 … 1<<31). */
export const ERROR_FLAG_MASK = 0xf0000000;

/**
 * update_engine's codes by name: the ActionExitCode enum of action_processor.h, kActionCode dropped.
 * This is the one table: the names errorCodeName gives are these keys in kebab case
 * (PayloadHashMismatchError → payload-hash-mismatch-error), so acronyms are spelled as words (Xml).
 */
export const ErrorCode = {
  Success: 0,
  Error: 1,
  OmahaRequestError: 2,
  OmahaResponseHandlerError: 3,
  FilesystemCopierError: 4,
  PostinstallRunnerError: 5,
  SetBootableFlagError: 6,
  InstallDeviceOpenError: 7,
  KernelDeviceOpenError: 8,
  DownloadTransferError: 9,
  PayloadHashMismatchError: 10,
  PayloadSizeMismatchError: 11,
  DownloadPayloadVerificationError: 12,
  DownloadNewPartitionInfoError: 13,
  DownloadWriteError: 14,
  NewRootfsVerificationError: 15,
  NewKernelVerificationError: 16,
  SignedDeltaPayloadExpectedError: 17,
  DownloadPayloadPubkeyVerificationError: 18,
  PostinstallBootedFromFirmwareB: 19,
  DownloadStateInitializationError: 20,
  DownloadInvalidMetadataMagicString: 21,
  DownloadSignatureMissingInManifest: 22,
  DownloadManifestParseError: 23,
  DownloadMetadataSignatureError: 24,
  DownloadMetadataSignatureVerificationError: 25,
  DownloadMetadataSignatureMismatch: 26,
  DownloadOperationHashVerificationError: 27,
  DownloadOperationExecutionError: 28,
  DownloadOperationHashMismatch: 29,
  OmahaRequestEmptyResponseError: 30,
  OmahaRequestXmlParseError: 31,
  DownloadInvalidMetadataSize: 32,
  DownloadInvalidMetadataSignature: 33,
  OmahaResponseInvalid: 34,
  OmahaUpdateIgnoredPerPolicy: 35,
  OmahaUpdateDeferredPerPolicy: 36,
  OmahaErrorInHttpResponse: 37,
  DownloadOperationHashMissingError: 38,
  DownloadMetadataSignatureMissingError: 39,
  OmahaUpdateDeferredForBackoff: 40,
  PostinstallPowerwashError: 41,
  NewPcrPolicyVerificationError: 42,
  NewPcrPolicyHttpError: 43,
  RollbackError: 44,
  DownloadIncomplete: 100,
} as const;

const NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(ErrorCode).map(([key, code]) => [code, key.replace(/[A-Z]/g, (c, at: number) => (at ? '-' : '') + c.toLowerCase())]),
);

/** update_engine reports a failed HTTP exchange as 2000 + status (status clamped to 0..999). */
const HTTP_RESPONSE_BASE = 2000;

/** The code update_engine reports for an HTTP exchange that ended with `status` (0: no answer). */
export function httpResponseErrorCode(status: number): number {
  return HTTP_RESPONSE_BASE + Math.min(Math.max(Math.trunc(status), 0), 999);
}

/** The HTTP status a code of the 2000 range stands for (flags stripped first), else null. */
export function httpStatusOfErrorCode(code: number): number | null {
  const c = stripErrorFlags(code);
  return Number.isInteger(c) && c >= HTTP_RESPONSE_BASE && c < HTTP_RESPONSE_BASE + 1000 ? c - HTTP_RESPONSE_BASE : null;
}

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

/**
 * `code` with `flags` set, as update_engine writes it into `errorcode`: printed with %d, so with
 * the dev-mode flag the number is negative.
 */
export function withErrorFlags(code: number, ...flags: ErrorFlag[]): number {
  return flags.reduce((bits, f) => bits | ERROR_FLAGS[f], code) | 0;
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
  const name = NAMES.get(c);
  if (name !== undefined) return name;
  const status = httpStatusOfErrorCode(c);
  return status !== null ? `omaha-request-http-response-${status}` : `unknown-${c}`;
}

/** For logs and the UI: `34 omaha-response-invalid (test-omaha-url)`. */
export function describeErrorCode(code: number): string {
  const flags = errorFlags(code);
  const base = `${stripErrorFlags(code)} ${errorCodeName(code)}`;
  return flags.length ? `${base} (${flags.join(', ')})` : base;
}
