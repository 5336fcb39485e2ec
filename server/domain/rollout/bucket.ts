// The sticky rollout bucket: a number in [0, 1) per (app, machine) that never changes, so the same
// nodes are in at every step, in every process, after every restart. Its specification is fixed and
// public (docs/rollouts.md) so anyone can compute which nodes a percent takes:
//   bucket = uint64_be(first 8 bytes of SHA-256("<appid>:<machine id>")) / 2^64
// with the app id and the machine id in their normal form (lower case, no braces). A language's own
// string hash would change between versions and platforms; SHA-256 does not.
import { createHash } from 'node:crypto';
import { normalizeAppId, normalizeMachineId } from '../../../protocol/omaha/appid.ts';

const TWO_POW_64 = 2 ** 64;
/** The largest double below 1: a uint64 close to 2^64 rounds to 2^64 as a double; it stays below 1. */
const BELOW_ONE = 1 - 2 ** -53;

/** The text that is hashed: `e96281a6-…:0123…` (normal forms, so `{E962…}` hashes as `e962…`). */
export function bucketInput(appId: string, machineId: string): string {
  return `${normalizeAppId(appId)}:${normalizeMachineId(machineId)}`;
}

/** The first 8 bytes of the hash as an unsigned big-endian integer. */
export function bucketUint64(appId: string, machineId: string): bigint {
  return createHash('sha256').update(bucketInput(appId, machineId), 'utf8').digest().readBigUInt64BE(0);
}

/** uint64 / 2^64 as the nearest double, kept below 1. */
export function bucketFromUint64(n: bigint): number {
  return Math.min(Number(n) / TWO_POW_64, BELOW_ONE);
}

/** The node's bucket in [0, 1). */
export function bucketOf(appId: string, machineId: string): number {
  return bucketFromUint64(bucketUint64(appId, machineId));
}

/** A node is in a rollout offered to `percent` % when its bucket lies below percent / 100. */
export function inRollout(bucket: number, percent: number): boolean {
  return bucket < percent / 100;
}

/**
 * In the open step? A canary (marked by an operator) is in from the first step on, even a 0 % one,
 * so a plan can start with canaries only.
 */
export function isInStep(bucket: number, percent: number, canary: boolean): boolean {
  return canary || inRollout(bucket, percent);
}
