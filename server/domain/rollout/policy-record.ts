// A group policy as the stores keep it: JSON of GroupPolicy. Reading is tolerant: a field a store
// does not hold (a group written before the field existed) takes its default, and only the known
// fields are kept, so a stored object never carries data onto the decision path.
import { DEFAULT_POLICY, type GroupPolicy } from './policy.ts';

const KEYS = Object.keys(DEFAULT_POLICY) as (keyof GroupPolicy)[];

export function storedPolicy(raw: unknown): GroupPolicy {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return DEFAULT_POLICY;
  const out: Record<string, unknown> = { ...DEFAULT_POLICY };
  for (const k of KEYS) if (Object.hasOwn(raw, k)) out[k] = (raw as Record<string, unknown>)[k];
  return out as unknown as GroupPolicy;
}

/** The policy's JSON for a store column or field. */
export function policyJson(policy: GroupPolicy): string {
  return JSON.stringify(policy);
}
