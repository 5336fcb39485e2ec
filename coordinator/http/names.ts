// What a FleetLock group name and node id may look like (protocol: group ^[a-zA-Z0-9.-]+$, id non-empty).
export const GROUP_PATTERN = /^[a-zA-Z0-9.-]+$/;
export const GROUP_MAX = 128;
export const HOLDER_ID_MAX = 256;

export function isGroupName(s: string): boolean {
  return s.length <= GROUP_MAX && GROUP_PATTERN.test(s);
}
