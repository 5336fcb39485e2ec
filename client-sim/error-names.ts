// How the simulator's summary names a reported code. The codes, flags and names themselves are
// protocol/omaha/error-codes.ts.
import { errorCodeName, httpStatusOfErrorCode } from '../protocol/omaha/error-codes.ts';

/** Name of a code (flag bits stripped) for the summary, e.g. 2503 → "HTTP 503". */
export function errorName(code: number): string {
  const status = httpStatusOfErrorCode(code);
  if (status !== null) return status === 0 ? 'no HTTP answer' : `HTTP ${status}`;
  return errorCodeName(code).replace(/-/g, ' ');
}
