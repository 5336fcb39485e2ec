// Architectures. update_engine sends no arch: it comes from app@board (`amd64-usr`, `arm64-usr`);
// other clients send os@arch; os@sp often ends with `_x86_64`. Flatcar's default is amd64.

export const ARCHES = ['amd64', 'arm64'] as const;
export type Arch = (typeof ARCHES)[number];

/** A Map: the name looked up comes from data (`constructor` must not find Object). */
const ALIASES = new Map<string, Arch>([
  ['amd64', 'amd64'],
  ['amd64-usr', 'amd64'],
  ['x64', 'amd64'],
  ['x86_64', 'amd64'],
  ['arm64', 'arm64'],
  ['arm64-usr', 'arm64'],
  ['aarch64', 'arm64'],
]);

export function normalizeArch(raw: string): Arch | null {
  return ALIASES.get(raw.trim().toLowerCase()) ?? null;
}

/** The node's architecture from what it sent; `unknown:<raw>` for one Platte has no builds for. */
export function archOfNode(board: string, osArch: string, osSp: string): string {
  for (const raw of [board, osArch]) {
    if (!raw) continue;
    return normalizeArch(raw) ?? `unknown:${raw.slice(0, 32)}`;
  }
  const sp = /_([a-z0-9_]+)$/i.exec(osSp)?.[1];
  if (sp) return normalizeArch(sp) ?? 'amd64';
  return 'amd64';
}
