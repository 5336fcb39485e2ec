// Versions as Flatcar uses them: dot-separated numbers compared component by component
// (3510.2.0 < 3510.10.0). Missing components count as 0 (3510.2 == 3510.2.0).

/** What a release manager may publish: 1 to 4 numeric components. */
export const VERSION_PATTERN = /^\d{1,9}(\.\d{1,9}){0,3}$/;

export function isValidVersion(v: string): boolean {
  return VERSION_PATTERN.test(v);
}

/**
 * Numeric components of a version a node reports. Reading stops at the first component that is not
 * a number, so `ForcedUpdate` → [] (below every release) and `3510.2.0_x86` → [3510, 2].
 */
export function versionParts(v: string): number[] {
  const out: number[] = [];
  for (const part of v.split('.')) {
    const m = /^\d+/.exec(part);
    if (!m) break;
    out.push(Number(m[0]));
    if (m[0].length !== part.length) break;
  }
  return out;
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
