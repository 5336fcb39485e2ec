// A fleet: N virtual nodes built from a spec, driven by one scheduler on a simulated clock, talking
// to the server over HTTP exactly as real nodes would (transport.ts). Counts everything in FleetStats.
import { performance } from 'node:perf_hooks';
import { FLATCAR_APP_ID_BRACED } from '../protocol/omaha/appid.ts';
import { assignFaults, type FaultShare } from './failures.ts';
import { spread, type MixEntry } from './mix.ts';
import { VirtualNode } from './node.ts';
import { DEFAULT_PROFILE, type NodeEnv, type NodeProfile, type RebootStrategy } from './node-types.ts';
import { createRandom, type Random } from './random.ts';
import { Scheduler } from './scheduler.ts';
import type { SimClock } from './sim-clock.ts';
import { FleetStats } from './stats.ts';
import { summarize, type SimSummary } from './summary.ts';
import { snapshotOf, type NodeSnapshot, type NodeTimeline } from './timeline.ts';
import { FleetTransport } from './transport.ts';

export interface FleetSpec {
  nodes: number;
  appId: string;
  versions: MixEntry[];
  tracks: MixEntry[];
  /** FleetLock reboot groups. */
  groups: MixEntry[];
  boards: MixEntry[];
  oems: MixEntry[];
  strategies: MixEntry<RebootStrategy>[];
  faults: FaultShare[];
  seed: number;
  /** Nodes start as fresh installs (first check says previousversion="0.0.0.0"). */
  fresh?: boolean;
  /** First boots are spread over this many simulated seconds (0 = all at once). */
  bootSpread?: number;
  profile?: Partial<NodeProfile>;
}

export interface FleetOptions {
  /** Omaha and FleetLock base URL, e.g. http://127.0.0.1:8080. */
  server: string;
  /** FleetLock base URL when it differs from `server`. */
  fleetlock?: string;
  clock: SimClock;
  /** Most requests in flight at once. */
  concurrency: number;
  /** Most requests started per real second. */
  rate?: number;
  /** Real milliseconds before a request is given up. */
  timeoutMs?: number;
  sampleEverySeconds?: number;
  /** Record every node's grants, installs, slots and returns here (rollout runs); sized to the fleet. */
  timeline?: NodeTimeline;
}

export interface RunOptions {
  /** Simulated milliseconds after which the run stops whatever the state. */
  durationMs?: number;
  /** Keep going after every node settled, until the duration ends (load generation). */
  keepPolling?: boolean;
  signal?: AbortSignal;
}

export interface RunResult {
  /** `done`: ended by whoever drives the run (end()), e.g. once its rollout finished. */
  stopReason: 'settled' | 'duration' | 'interrupted' | 'done';
  /** Simulated instant every node was settled, null if that never happened. */
  completedAt: number | null;
}

export class Fleet {
  readonly nodes: VirtualNode[];
  readonly stats: FleetStats;
  readonly clock: SimClock;
  private readonly scheduler: Scheduler;
  private readonly transport: FleetTransport;
  private readonly env: NodeEnv;
  private completedAt: number | null = null;
  private finish: ((r: RunResult) => void) | null = null;
  private fail: ((e: Error) => void) | null = null;
  private endAt = Infinity;
  private keepPolling = false;

  private readonly seed: number;

  constructor(spec: FleetSpec, private readonly opts: FleetOptions) {
    this.seed = spec.seed;
    this.clock = opts.clock;
    // Hold the clock at the start until run() begins (building 100k nodes takes real time).
    this.clock.limit(this.clock.now());
    const rng = createRandom(spec.seed);
    const profile: NodeProfile = { ...DEFAULT_PROFILE, ...spec.profile };
    this.stats = new FleetStats(this.clock.now(), performance.now(), opts.sampleEverySeconds);
    this.env = { now: this.clock.now(), rng, profile, sink: this.stats };
    this.nodes = buildNodes(spec, rng);
    this.scheduler = new Scheduler({
      clock: this.clock,
      capacity: this.nodes.length,
      concurrency: opts.concurrency,
      ...(opts.rate ? { ratePerSecond: opts.rate } : {}),
      run: (i, late) => this.wake(i, late),
    });
    this.transport = new FleetTransport({
      server: opts.server,
      ...(opts.fleetlock ? { fleetlock: opts.fleetlock } : {}),
      concurrency: opts.concurrency,
      timeoutMs: opts.timeoutMs ?? 30_000,
      stats: this.stats,
      onProblem: (err) => this.abort(err),
    });
    const spreadMs = (spec.bootSpread ?? 0) * 1000;
    for (const node of this.nodes) {
      node.start(this.env, spreadMs > 0 ? rng.float() * spreadMs : 0);
      this.stats.nodeAdded(node.state, node.version, node.settled);
      this.scheduler.schedule(node.index, node.dueAt);
    }
  }

  get inFlight(): number {
    return this.scheduler.inFlight;
  }

  /** Runs until every node settled, the duration ended, or the signal fired. */
  run(opts: RunOptions = {}): Promise<RunResult> {
    this.endAt = opts.durationMs !== undefined ? this.stats.startSim + opts.durationMs : Infinity;
    this.keepPolling = opts.keepPolling === true && this.endAt < Infinity;
    const done = new Promise<RunResult>((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
    const onAbort = () => this.stop({ stopReason: 'interrupted', completedAt: this.completedAt });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    // A watchdog for the duration (the scheduler may have nothing due before it ends).
    const watchdog = setInterval(() => {
      if (this.clock.now() >= this.endAt) this.stop({ stopReason: 'duration', completedAt: this.completedAt });
    }, 50);
    this.checkSettled();
    this.scheduler.start();
    return done.finally(() => {
      clearInterval(watchdog);
      opts.signal?.removeEventListener('abort', onAbort);
    });
  }

  /** The summary of a finished run (or of the run so far). */
  summary(result: RunResult = { stopReason: 'interrupted', completedAt: this.completedAt }): SimSummary {
    const summary = summarize(this.stats, {
      server: this.opts.server,
      nodes: this.nodes.length,
      seed: this.seed,
      speed: this.clock.speed,
      stopReason: result.stopReason,
      simNow: this.clock.now(),
      realNow: performance.now(),
      completedAt: result.completedAt,
    });
    // Where each node ended up: a node in a routine check when the run stopped counts as settled.
    const states: Record<string, number> = {};
    for (const n of this.nodes) states[n.outcome] = (states[n.outcome] ?? 0) + 1;
    return { ...summary, states };
  }

  /** Ends the run now (stopReason `done`): for a driver that knows when its question is answered. */
  end(): void {
    this.stop({ stopReason: 'done', completedAt: this.completedAt });
  }

  /** Closes the HTTP agents (after run() settled). */
  close(): void {
    this.transport.close();
  }

  private stop(result: RunResult): void {
    if (!this.finish) return;
    const finish = this.finish;
    this.finish = null;
    this.fail = null;
    this.scheduler.stop();
    void this.scheduler.idle().then(() => {
      this.stats.sample(this.clock.now(), performance.now());
      finish(result);
    });
  }

  private abort(err: Error): void {
    if (!this.fail) return;
    const fail = this.fail;
    this.finish = null;
    this.fail = null;
    this.scheduler.stop();
    void this.scheduler.idle().then(() => fail(err));
  }

  private checkSettled(): void {
    if (this.stats.settled !== this.nodes.length) return;
    if (this.completedAt === null) this.completedAt = this.clock.now();
    if (!this.keepPolling) this.stop({ stopReason: 'settled', completedAt: this.completedAt });
  }

  /** The scheduler's callback: node `i` is due. */
  private wake(i: number, lateMs: number): Promise<void> | null {
    const now = this.clock.now();
    if (now >= this.endAt) {
      this.scheduler.schedule(i, now);
      this.stop({ stopReason: 'duration', completedAt: this.completedAt });
      return null;
    }
    const node = this.nodes[i]!;
    this.stats.late(lateMs);
    this.stats.maybeSample(now, performance.now());
    this.env.now = now;
    let before = snapshotOf(node);
    const action = node.wake(this.env);
    this.observe(node, before);
    if (action === null) {
      this.reschedule(node);
      return null;
    }
    if (node.isOffline(now)) {
      before = snapshotOf(node);
      node.onResult(this.env, action, { kind: 'no-answer', error: 'network unreachable (node offline)' });
      this.observe(node, before);
      this.reschedule(node);
      return null;
    }
    return this.transport.perform(node, action).then((result) => {
      this.env.now = this.clock.now();
      const b = snapshotOf(node);
      node.onResult(this.env, action, result);
      this.observe(node, b);
      this.reschedule(node);
    });
  }

  private reschedule(node: VirtualNode): void {
    this.scheduler.schedule(node.index, node.dueAt);
  }

  private observe(node: VirtualNode, before: NodeSnapshot): void {
    this.opts.timeline?.observe(node, before, this.env.now);
    if (node.state !== before.state) this.stats.stateChanged(before.state, node.state);
    if (node.version !== before.version) this.stats.versionChanged(before.version, node.version);
    const settled = node.settled;
    if (settled !== before.settled) {
      this.stats.settledChanged(settled);
      if (settled) this.checkSettled();
    }
  }
}

/** The nodes of a spec, each with its own machine id and a share of every mix. */
function buildNodes(spec: FleetSpec, rng: Random): VirtualNode[] {
  const n = spec.nodes;
  const versions = spread(spec.versions, n, rng);
  const tracks = spread(spec.tracks, n, rng);
  const groups = spread(spec.groups, n, rng);
  const boards = spread(spec.boards, n, rng);
  const oems = spread(spec.oems, n, rng);
  const strategies = spread(spec.strategies, n, rng);
  const faults = assignFaults(spec.faults, n, rng);
  const nodes: VirtualNode[] = new Array(n);
  for (let i = 0; i < n; i++) {
    nodes[i] = new VirtualNode({
      index: i,
      appId: spec.appId || FLATCAR_APP_ID_BRACED,
      machineId: rng.hex(32),
      version: versions[i]!,
      track: tracks[i]!,
      group: groups[i]!,
      board: boards[i]!,
      oem: oems[i]!,
      strategy: strategies[i]!,
      fault: faults[i]!,
      ...(spec.fresh ? { previousVersion: 'initial' } : {}),
    });
  }
  return nodes;
}
