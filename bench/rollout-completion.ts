// How long a whole rollout takes through a reboot group, against the least it could take. 10,000
// simulated nodes (FleetLock, every reboot exactly REBOOT_S) upgrade through one reboot group of 50
// slots on a Platte in this process, on the simulator's clock; the track group's grants are paced to
// the slots (maxInProgress = slots, or "reboot-slots"). The rollout runs steps 1/10/50/100 % with
// 10-minute soaks and ends when every node runs the new version. Completion is from the promotion
// to the last node back; the lower bound is ceil(nodes / slots) × reboot time (every slot busy
// with one reboot after another, nothing else taking any time). Also prints the longest wait for
// a slot. One line, for a CI log.
//
//   npm run bench:rollout -- [nodes] [slots] [max-in-progress: a number, reboot-slots or none] [poll-seconds or none]
import { performance } from 'node:perf_hooks';
import type { FleetSpec } from '../client-sim/fleet.ts';
import { FLATCAR_APP_ID_BRACED } from '../protocol/omaha/appid.ts';
import { NEW, OLD } from '../tests/sim/fixtures/platte.ts';
import { rolloutRun } from '../tests/sim/fixtures/rollout-run.ts';

const NODES = Number(process.argv[2] ?? 10_000);
const SLOTS = Number(process.argv[3] ?? 50);
const PACING = process.argv[4] ?? 'reboot-slots';
// Platte's PollInterval for the nodes (4 h, the longest update_engine takes): the run spans a day or
// more of simulated time, and nodes held back check again at this pace. `none`: update_engine's 45 min.
const POLL = process.argv[5] === 'none' ? undefined : Number(process.argv[5] ?? 4 * 3600);
const REBOOT_S = 60;
const GROUP = 'stable';

const maxInProgress = PACING === 'none' ? null : PACING === 'reboot-slots' ? 'reboot-slots' : Number(PACING);
if (typeof maxInProgress === 'number' && !(maxInProgress >= 1)) throw new Error(`max-in-progress: a number ≥ 1, reboot-slots or none, not ${PACING}`);

const spec: FleetSpec = {
  nodes: NODES,
  appId: FLATCAR_APP_ID_BRACED,
  versions: [{ value: OLD, weight: 1 }],
  tracks: [{ value: 'stable', weight: 1 }],
  groups: [{ value: GROUP, weight: 1 }],
  boards: [{ value: 'amd64-usr', weight: 1 }],
  oems: [{ value: 'qemu', weight: 1 }],
  strategies: [{ value: 'fleetlock', weight: 1 }],
  faults: [],
  seed: 1,
  profile: { fetchLocal: false, bootSeconds: [REBOOT_S, REBOOT_S] },
};

const real = performance.now();
const out = await rolloutRun(
  {
    speed: 200_000,
    rebootGroups: { [GROUP]: { max: SLOTS, leaseSeconds: 3600 } },
    ...(POLL !== undefined ? { config: { pollInterval: POLL } } : {}),
    ...(maxInProgress !== null ? { policy: { maxInProgress, rebootGroup: GROUP } } : {}),
  },
  {
    spec,
    promotion: { version: NEW, rollout: { steps: [1, 10, 50, 100].map((percent) => ({ percent, soak: percent === 100 ? 0 : '10m' })) } },
    until: (_r, fleet) => fleet.stats.versions.get(NEW) === NODES,
    durationMs: 14 * 86_400_000,
  },
);
try {
  const last = out.timeline.lastUp(NEW);
  const completionS = last ? (last.at - out.startedAt) / 1000 : NaN;
  const boundS = Math.ceil(NODES / SLOTS) * REBOOT_S;
  const wait = out.timeline.longestSlotWait(out.endedAt);
  const done = out.fleet.stats.versions.get(NEW) ?? 0;
  const h = (s: number) => `${(s / 3600).toFixed(2)}h`;
  console.log(
    `rollout-completion nodes=${NODES} slots=${SLOTS} reboot=${REBOOT_S}s pacing=${maxInProgress === null ? 'none' : `maxInProgress:${maxInProgress}`}` +
      ` poll=${POLL !== undefined ? `${POLL}s` : '45min'} completed=${done}/${NODES} completion=${h(completionS)} lower-bound=${h(boundS)} ratio=${(completionS / boundS).toFixed(2)} ` +
      `longest-slot-wait=${wait ? (wait.waitMs / 1000).toFixed(0) : 0}s peak-rebooting=${out.summary.maxConcurrentReboots[GROUP] ?? 0} ` +
      `requests=${out.summary.requests.total} real=${((performance.now() - real) / 1000).toFixed(0)}s`,
  );
} finally {
  await out.p.close();
}
