// Omaha app ids: compared case-insensitively without braces, echoed back exactly as sent.

/** Flatcar Container Linux's Omaha appid (normalised). */
export const FLATCAR_APP_ID = 'e96281a6-d1af-4bde-9a0a-97b76e56dc57';
/** The same id as Flatcar's update_engine sends it: in braces (ue-rs sends it bare). */
export const FLATCAR_APP_ID_BRACED = `{${FLATCAR_APP_ID}}`;

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

