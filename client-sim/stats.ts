// What a fleet run counts: nodes per state and version (kept incrementally, never by walking the
// fleet), reboots in progress per group and their peak, failures by code, request latency per
// endpoint (HDR histograms) and a time series. summary.ts shapes them into the run's summary.
import hdr from 'hdr-histogram-js';
import { NODE_STATES, type NodeSink, type NodeState } from './node-types.ts';

export type Endpoint = 'omaha:check' | 'omaha:ping' | 'omaha:event' | 'fleetlock:pre-reboot' | 'fleetlock:steady-state' | 'download';

export interface Sample {
  /** Simulated seconds since the start. */
  t: number;
  realSeconds: number;
  states: Record<string, number>;
  versions: Record<string, number>;
  rebooting: number;
  rebootingByGroup: Record<string, number>;
  requests: number;
  failures: number;
  updatesCompleted: number;
}

export type Histogram = ReturnType<typeof hdr.build>;

function newHistogram(): Histogram {
  return hdr.build({ numberOfSignificantValueDigits: 3 });
}

class EndpointStats {
  count = 0;
  noAnswer = 0;
  statuses = new Map<number, number>();
  /** Microseconds. */
  readonly latency = newHistogram();
}

const MAX_SAMPLES = 4000;

export class FleetStats implements NodeSink {
  readonly states = new Map<NodeState, number>(NODE_STATES.map((s) => [s, 0]));
  readonly versions = new Map<string, number>();
  readonly failures = new Map<number, number>();
  readonly rebooting = new Map<string, number>();
  /** Per group: reboot interval edges as [time, +1 | -1, time, ±1, ...] for the exact peak. */
  private readonly rebootEdges = new Map<string, number[]>();
  readonly lockRefusals = new Map<string, number>();
  readonly endpoints = new Map<Endpoint, EndpointStats>();
  readonly samples: Sample[] = [];
  /** Lateness of wake-ups, in simulated ms. */
  readonly lateness = newHistogram();
  settled = 0;
  updatesCompleted = 0;
  failureCount = 0;
  requests = 0;
  rebootingTotal = 0;
  /** Simulated ms between samples (doubles when the series grows too long). */
  private sampleEvery: number;
  private nextSampleAt: number;

  constructor(
    readonly startSim: number,
    readonly startReal: number,
    sampleEverySeconds = 60,
  ) {
    this.sampleEvery = sampleEverySeconds * 1000;
    this.nextSampleAt = startSim;
  }

  // --- NodeSink ---------------------------------------------------------------------------------
  failure(code: number): void {
    this.failures.set(code, (this.failures.get(code) ?? 0) + 1);
    this.failureCount++;
  }
  updateCompleted(): void {
    this.updatesCompleted++;
  }
  rebootStarted(group: string, at: number): void {
    this.rebooting.set(group, (this.rebooting.get(group) ?? 0) + 1);
    this.rebootingTotal++;
    this.edges(group).push(at, 1);
  }
  rebootEnded(group: string, at: number): void {
    this.rebooting.set(group, (this.rebooting.get(group) ?? 1) - 1);
    this.rebootingTotal--;
    this.edges(group).push(at, -1);
  }

  private edges(group: string): number[] {
    let e = this.rebootEdges.get(group);
    if (!e) this.rebootEdges.set(group, (e = []));
    return e;
  }

  /** Group → most nodes rebooting at once (ends sort before starts at the same instant). */
  maxConcurrentReboots(): Record<string, number> {
    const out = new Map<string, number>(); // keyed by group names: a Map, made a record at the end
    for (const group of [...this.rebootEdges.keys()].sort()) {
      const flat = this.rebootEdges.get(group)!;
      const order: number[] = [];
      for (let i = 0; i < flat.length; i += 2) order.push(i);
      order.sort((a, b) => flat[a]! - flat[b]! || flat[a + 1]! - flat[b + 1]!);
      let cur = 0;
      let max = 0;
      for (const i of order) {
        cur += flat[i + 1]!;
        if (cur > max) max = cur;
      }
      out.set(group, max);
    }
    return Object.fromEntries(out);
  }

  // --- fleet bookkeeping ------------------------------------------------------------------------
  nodeAdded(state: NodeState, version: string, settled: boolean): void {
    this.states.set(state, this.states.get(state)! + 1);
    this.versions.set(version, (this.versions.get(version) ?? 0) + 1);
    if (settled) this.settled++;
  }

  stateChanged(from: NodeState, to: NodeState): void {
    this.states.set(from, this.states.get(from)! - 1);
    this.states.set(to, this.states.get(to)! + 1);
  }

  versionChanged(from: string, to: string): void {
    const left = this.versions.get(from)! - 1;
    if (left === 0) this.versions.delete(from);
    else this.versions.set(from, left);
    this.versions.set(to, (this.versions.get(to) ?? 0) + 1);
  }

  settledChanged(now: boolean): void {
    this.settled += now ? 1 : -1;
  }

  request(endpoint: Endpoint, status: number | null, micros: number): void {
    let e = this.endpoints.get(endpoint);
    if (!e) this.endpoints.set(endpoint, (e = new EndpointStats()));
    e.count++;
    this.requests++;
    if (status === null) {
      e.noAnswer++;
      return;
    }
    e.statuses.set(status, (e.statuses.get(status) ?? 0) + 1);
    e.latency.recordValue(Math.max(1, Math.round(micros)));
  }

  lockRefused(kind: string): void {
    this.lockRefusals.set(kind, (this.lockRefusals.get(kind) ?? 0) + 1);
  }

  late(simMs: number): void {
    if (simMs >= 1) this.lateness.recordValue(Math.round(simMs));
    else this.lateness.recordValue(0);
  }

  /** Records a sample when simulated time passed the next sampling point. */
  maybeSample(simNow: number, realNow: number): void {
    if (simNow < this.nextSampleAt) return;
    this.sample(simNow, realNow);
    this.nextSampleAt = simNow + this.sampleEvery;
  }

  sample(simNow: number, realNow: number): void {
    if (this.samples.length >= MAX_SAMPLES) {
      // Keep every other sample and sample half as often from now on.
      const kept = this.samples.filter((_, i) => i % 2 === 0);
      this.samples.length = 0;
      this.samples.push(...kept);
      this.sampleEvery *= 2;
    }
    this.samples.push({
      t: Math.round((simNow - this.startSim) / 1000),
      realSeconds: Math.round((realNow - this.startReal)) / 1000,
      states: nonZero(this.states),
      versions: Object.fromEntries(this.versions),
      rebooting: this.rebootingTotal,
      rebootingByGroup: nonZero(this.rebooting),
      requests: this.requests,
      failures: this.failureCount,
      updatesCompleted: this.updatesCompleted,
    });
  }
}

/** The non-zero entries as a record; fromEntries defines own keys, so a group may be called `__proto__`. */
export function nonZero<K extends string>(m: Map<K, number>): Record<string, number> {
  return Object.fromEntries([...m].filter(([, v]) => v !== 0));
}
