// Live view of a running fleet on a terminal: a progress bar of settled nodes and two compact lines
// (nodes per state; reboots now and peak per group, requests, errors, lateness). Redrawn a few
// times a second by cli-progress; nothing is drawn when the output is not a terminal.
import cliProgress from 'cli-progress';
import type { Fleet } from './fleet.ts';
import { formatCounts, formatSeconds } from './report.ts';

export interface Display {
  stop(): void;
}

const NO_DISPLAY: Display = { stop() {} };

/** The settled bar (with `tail` after it), or a text line given as `line`. */
const formatLine: cliProgress.GenericFormatter = (_opts, params, payload: { line?: string; tail?: string }) => {
  if (payload.line !== undefined) return payload.line;
  const pct = Math.floor((params.value / Math.max(1, params.total)) * 100);
  const filled = Math.round((params.value / Math.max(1, params.total)) * 30);
  return ` settled [${'█'.repeat(filled)}${'░'.repeat(30 - filled)}] ${pct}% ${params.value}/${params.total}${payload.tail ?? ''}`;
};

/** Starts the live display on `stream` (a TTY), or returns a no-op display when it is not one. */
export function startDisplay(fleet: Fleet, stream: NodeJS.WriteStream): Display {
  if (!stream.isTTY) return NO_DISPLAY;
  const multi = new cliProgress.MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: true,
      fps: 5,
      barsize: 30,
      autopadding: true,
      linewrap: false,
      format: formatLine,
    },
    cliProgress.Presets.shades_classic,
  );
  const n = fleet.nodes.length;
  const bar = multi.create(n, 0, { tail: '' });
  const states = multi.create(1, 0, { line: '' });
  const traffic = multi.create(1, 0, { line: '' });
  const startReal = performance.now();
  let lastRequests = 0;
  let lastAt = startReal;
  let rate = 0;

  const refresh = () => {
    const s = fleet.stats;
    const now = performance.now();
    if (now - lastAt >= 1000) {
      rate = Math.round(((s.requests - lastRequests) * 1000) / (now - lastAt));
      lastRequests = s.requests;
      lastAt = now;
    }
    const simSeconds = (fleet.clock.now() - s.startSim) / 1000;
    const realSeconds = (now - startReal) / 1000;
    const speed = realSeconds > 0 ? Math.round(simSeconds / realSeconds) : 0;
    bar.update(s.settled, { tail: ` | sim ${formatSeconds(simSeconds)} (x${speed}) | real ${formatSeconds(realSeconds)}` });
    const nonZero = Object.fromEntries([...s.states].filter(([, v]) => v));
    states.update(0, { line: ` states  ${formatCounts(nonZero)}` });
    const rebooting = Object.fromEntries([...s.rebooting].filter(([, v]) => v)); // own keys, whatever the group names
    const errors = s.failureCount;
    traffic.update(0, {
      line:
        ` reboots ${s.rebootingTotal} now (${formatCounts(rebooting)}) | updates ${s.updatesCompleted}` +
        ` | errors ${errors} | requests ${s.requests} (${rate}/s) in flight ${fleet.inFlight}`,
    });
  };
  refresh();
  const timer = setInterval(refresh, 200);
  return {
    stop() {
      clearInterval(timer);
      refresh();
      multi.stop();
    },
  };
}
