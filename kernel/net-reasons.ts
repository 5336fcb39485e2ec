// Node's network error codes in words, for one-line messages (the CLI client, start-up errors).
const NETWORK_REASONS = new Map([
  ['ECONNREFUSED', 'connection refused'],
  ['ENOTFOUND', 'host not found'],
  ['EAI_AGAIN', 'host name lookup failed'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'network unreachable'],
  ['ETIMEDOUT', 'no answer (timed out)'],
  ['UND_ERR_CONNECT_TIMEOUT', 'no answer (timed out)'],
  ['ECONNRESET', 'the connection was reset'],
]);

/** `code` in words, or undefined when it is not a network error code we know. */
export function networkReason(code: string | undefined): string | undefined {
  return code === undefined ? undefined : NETWORK_REASONS.get(code);
}
