// The FleetLock error kinds Platte answers with: a small fixed set, each with one HTTP status.
// Bodies are `{"kind": "...", "value": "human text"}` as the protocol asks. Failures that are not
// FleetLock's own are classified by the one error contract (kernel/http/errors.ts).

export const FLEETLOCK_KINDS = {
  /** Header missing, body not JSON or too large, id or group invalid, wrong method. */
  bad_request: 400,
  /** The group does not exist and Platte is set to refuse unknown groups. */
  unknown_group: 404,
  /** Every slot of the group is taken. */
  slots_full: 409,
  /** The group has reboot windows and none is open now. */
  outside_window: 409,
  /** An operator paused the group. */
  group_paused: 423,
  /** The store (Redis) did not answer. */
  store_unavailable: 503,
  /** A bug in the server (logged with its stack, no details sent). Zincati retries as after any failure. */
  internal: 500,
} as const;

export type FleetLockKind = keyof typeof FLEETLOCK_KINDS;

export class FleetLockError extends Error {
  readonly status: number;
  constructor(
    readonly kind: FleetLockKind,
    message: string,
    /** Seconds for a Retry-After header. */
    readonly retryAfter?: number,
    status?: number,
  ) {
    super(message);
    this.status = status ?? FLEETLOCK_KINDS[kind];
  }
}
