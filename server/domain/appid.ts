// Omaha app ids: compared case-insensitively without braces, echoed back exactly as sent.

export const APP_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/** `{E96281A6-...}` → `e96281a6-...`. */
export function normalizeAppId(raw: string): string {
  return raw.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase();
}

export function isValidAppId(normalized: string): boolean {
  return APP_ID_PATTERN.test(normalized);
}

/** Machine ids arrive as 32 hex chars, or with braces and dashes from older clients. */
export function normalizeMachineId(raw: string): string {
  return raw.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase();
}

export const MACHINE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,127}$/;
