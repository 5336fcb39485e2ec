// The flags of `platte promote` (--steps, --soak, --threshold, --halt-on, --linear, --floors and
// the yes/no flags) turned into the promotion's request body. Only the syntax is checked here, and
// how the flags fit together (a soak per step, --linear or --steps); ranges, the last step being
// 100 % and duration units are the server's to judge, so there is one rule and one message for
// them. Pure and dependency-free: it is loaded when `platte` registers its commands.

/** A flag written wrongly: `flag` names it, the message says what is expected. */
export class FlagError extends Error {
  constructor(
    readonly flag: string,
    readonly problem: string,
  ) {
    super(`${flag}: ${problem}`);
  }
}

/** The promote flags as commander hands them over (text, or true for the yes/no flags). */
export interface PromoteFlags {
  steps?: string;
  soak?: string;
  threshold?: string;
  haltOn?: string;
  linear?: string;
  floors?: string;
  allowDowngrade?: boolean;
  allowMissingArch?: boolean;
  dryRun?: boolean;
}

export interface StepBody {
  percent: number;
  soak: string;
  successThreshold?: number;
}
export interface HaltOnBody {
  failures?: number;
  failurePercent?: number;
}
export type RolloutBody = { steps: StepBody[]; haltOn?: HaltOnBody } | { linear: { startPercent: number; duration: string }; haltOn?: HaltOnBody };

/** PUT /api/v1/apps/{app}/channels/{channel}. */
export interface PromoteBody {
  version: string;
  rollout?: RolloutBody;
  floors?: string[];
  allowDowngrade?: true;
  allowMissingArch?: true;
  dryRun?: true;
}

const NUMBER = /^\d+(?:\.\d+)?$/;
/** A number with a unit (`2h`, `90s`, `1.5h`, `2 hours`): which units exist is the server's call. */
const DURATION = /^\d+(?:\.\d+)?\s*[a-z]+$/i;

/** `a, b,c` → ['a', 'b', 'c']; an empty item (`1,,2`, a trailing comma) is a mistake, not nothing. */
function list(flag: string, text: string, what: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new FlagError(flag, `"${text}" is not a comma-separated list of ${what}`);
  return items;
}

/** `10` or `10%` → 10. */
function percent(flag: string, text: string): number {
  const t = text.trim().replace(/%$/, '');
  if (!NUMBER.test(t)) throw new FlagError(flag, `"${text}" is not a percent such as 10 or 0.5`);
  return Number(t);
}

function duration(flag: string, text: string): string {
  const t = text.trim();
  if (NUMBER.test(t)) throw new FlagError(flag, `"${t}" has no unit: write ${t}s, ${t}m or ${t}h`);
  if (!DURATION.test(t)) throw new FlagError(flag, `"${text}" is not a duration such as 90s, 30m, 2h or 1d`);
  return t;
}

/** `3` (failed nodes), `5%` (of the granted nodes) or both: `3,5%`. */
export function parseHaltOn(text: string): HaltOnBody {
  const out: HaltOnBody = {};
  for (const item of list('--halt-on', text, 'limits')) {
    const key = item.endsWith('%') ? 'failurePercent' : 'failures';
    if (out[key] !== undefined) throw new FlagError('--halt-on', `"${text}" gives ${key === 'failures' ? 'a number of failures' : 'a percent'} twice`);
    if (key === 'failures' && !/^\d+$/.test(item)) throw new FlagError('--halt-on', `"${item}" is neither a number of failed nodes (3) nor a percent (5%)`);
    out[key] = key === 'failures' ? Number(item) : percent('--halt-on', item);
  }
  return out;
}

/** `10%/6h` → start at 10 %, reach 100 % after 6 h. */
export function parseLinear(text: string): { startPercent: number; duration: string } {
  const slash = text.indexOf('/');
  if (slash < 0) throw new FlagError('--linear', `"${text}" is not <start percent>/<duration>, e.g. 10%/6h`);
  return { startPercent: percent('--linear', text.slice(0, slash)), duration: duration('--linear', text.slice(slash + 1)) };
}

/** One soak per step: a single one for every step but the last, or a list (the last step's may be left out: 0s). */
function soaks(text: string | undefined, count: number): string[] {
  if (text === undefined) {
    if (count > 1) throw new FlagError('--soak', 'missing: --steps needs --soak, how long each step runs before the next (0s for none)');
    return ['0s'];
  }
  const given = list('--soak', text, 'durations').map((d) => duration('--soak', d));
  if (given.length === 1) return Array.from({ length: count }, (_, i) => (i < count - 1 ? given[0]! : '0s'));
  if (given.length === count - 1) return [...given, '0s'];
  if (given.length === count) return given;
  throw new FlagError('--soak', `${given.length} durations for ${count} steps: give one for all, or one per step (the last may be left out)`);
}

function stepsPlan(f: PromoteFlags): StepBody[] {
  const percents = list('--steps', f.steps!, 'percents').map((p) => percent('--steps', p));
  const soak = soaks(f.soak, percents.length);
  const threshold = f.threshold === undefined ? undefined : percent('--threshold', f.threshold);
  return percents.map((p, i) => ({ percent: p, soak: soak[i]!, ...(threshold === undefined ? {} : { successThreshold: threshold }) }));
}

/** The `rollout` field, or undefined when no plan flag was given (offered to everyone at once). */
export function rolloutBody(f: PromoteFlags): RolloutBody | undefined {
  if (f.steps !== undefined && f.linear !== undefined) throw new FlagError('--linear', 'give either --steps or --linear, not both');
  const haltOn = f.haltOn === undefined ? undefined : parseHaltOn(f.haltOn);
  const halt = haltOn ? { haltOn } : {};
  if (f.linear !== undefined) {
    for (const [flag, v] of [['--soak', f.soak], ['--threshold', f.threshold]] as const) {
      if (v !== undefined) throw new FlagError(flag, 'applies to --steps, not to --linear');
    }
    return { linear: parseLinear(f.linear), ...halt };
  }
  if (f.steps !== undefined) return { steps: stepsPlan(f), ...halt };
  for (const [flag, v] of [['--soak', f.soak], ['--threshold', f.threshold], ['--halt-on', f.haltOn]] as const) {
    if (v !== undefined) throw new FlagError(flag, 'needs a plan: --steps (e.g. 1,10,50,100) or --linear (e.g. 10%/6h)');
  }
  return undefined;
}

/** The whole request body of a promotion. Throws FlagError. */
export function promoteBody(version: string, f: PromoteFlags): PromoteBody {
  const rollout = rolloutBody(f);
  return {
    version,
    ...(rollout ? { rollout } : {}),
    ...(f.floors !== undefined ? { floors: list('--floors', f.floors, 'versions') } : {}),
    ...(f.allowDowngrade ? { allowDowngrade: true as const } : {}),
    ...(f.allowMissingArch ? { allowMissingArch: true as const } : {}),
    ...(f.dryRun ? { dryRun: true as const } : {}),
  };
}
