// Result codes Lua scripts return (negative integers = refusals), and the one place that turns an
// unexpected reply into an error.
export const Refused = {
  noApp: -1,
  exists: -2,
  noPackage: -3,
  trackTaken: -4,
  staleConfig: -5,
} as const;

export function unexpectedReply(script: string, reply: unknown): Error {
  return new Error(`Lua script ${script} returned an unexpected reply: ${JSON.stringify(reply)}`);
}
