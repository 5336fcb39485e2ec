// Configuration: flags override environment variables override defaults (settings.ts). Parsed and
// validated once at start-up; a bad value stops the process with a message naming the flag and the
// variable and saying what a valid value is, in the table's words rather than the validator's.
import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { mustBe, SETTING_LIST, SETTINGS as S, type Setting, type SettingKey, type WholeSetting } from './settings.ts';
import { groupNameProblem } from '../coordinator/etcd/keys.ts';
import { durationField } from '../server/domain/rollout/duration.ts';

/** A number, or a string of digits (flags and variables are text); no coercion of "", "1e3" or "0x10". */
function whole(s: WholeSetting) {
  return z
    .union([z.number(), z.string().regex(/^\s*-?\d+\s*$/).transform(Number)])
    .pipe(z.number().int().min(s.min).max(s.max));
}

/** `host:port` or `[v6]:port`, port 0-65535; null when it is neither. */
export function parseListenAddress(text: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  return { host: (m[1] ?? m[2]) as string, port };
}

function isProxyAddress(value: string): boolean {
  try {
    proxyaddr.compile(value);
    return true;
  } catch {
    return false;
  }
}

const schema = z.object({
  port: whole(S.port),
  host: z.string().min(1),
  dataDir: z.string().min(1),
  redisUrl: z.string().regex(/^rediss?:\/\/./).optional(),
  redisPrefix: z.string().regex(/^[a-zA-Z0-9_-]+$/),
  adminToken: z.string().min(16).optional(),
  trustedProxies: z.array(z.string().refine(isProxyAddress)),
  logLevel: z.enum(S.logLevel.choices),
  /** Seconds a whole request (headers and body) may take to arrive; then 408 and the connection closes. */
  requestTimeout: whole(S.requestTimeout),
  /** Seconds sent as updatecheck@PollInterval; unset = the client's own default (45 min). */
  pollInterval: whole(S.pollInterval).optional(),
  /** ms a node may stay unseen before it counts as stale (a duration such as 24h). */
  staleAfter: durationField({ minMs: 60_000, maxMs: 365 * 86_400_000 }),
  /** Reboot coordinator: what to do with a FleetLock group nobody configured. */
  unknownGroups: z.enum(S.unknownGroups.choices),
  /** Reboot coordinator: at most this many groups created on first use (`create`) at a time. */
  maxAutoGroups: whole(S.maxAutoGroups),
  defaultMaxHolders: whole(S.defaultMaxHolders),
  defaultLeaseSeconds: whole(S.defaultLeaseSeconds),
  /** When a holder's lease runs out: keep the slot until an operator acts (hold) or free it. */
  defaultLeasePolicy: z.enum(S.defaultLeasePolicy.choices),
  /** A second listener for locksmith's etcd keys (they are on the main port as well). */
  etcdListen: z.string().refine((v) => parseListenAddress(v) !== null).optional(),
  /** The reboot group locksmith's plain semaphore key stands for. */
  etcdDefaultGroup: z.string().refine((g) => groupNameProblem(g) === null),
  /** Whether the etcd keys need basic auth with a Platte token. */
  etcdAuth: z.enum(S.etcdAuth.choices),
} satisfies Record<SettingKey, z.ZodType>);

export type Config = z.infer<typeof schema>;
export type ConfigInput = Partial<z.input<typeof schema>>;

export class ConfigError extends Error {}

type Values = Partial<Record<SettingKey, unknown>>;

/** Lists come comma-separated from a variable, and may from a flag too. */
function splitList(v: unknown): unknown {
  const items = Array.isArray(v) ? v : [v];
  return items.flatMap((item) => (typeof item === 'string' ? item.split(',').map((s) => s.trim()).filter(Boolean) : [item]));
}

function defaults(): Values {
  const out: Values = Object.create(null);
  for (const [key, s] of SETTING_LIST) if (s.default !== undefined) out[key] = Array.isArray(s.default) ? [...s.default] : s.default;
  return out;
}

/** "--port / PLATTE_PORT must be a whole number from 0 to 65535 (got "eighty" from --port)" */
function complaint(s: Setting, value: unknown, from: string): string {
  const got = s.kind === 'text' && s.secret ? '' : `got "${Array.isArray(value) ? value.join(',') : String(value)}" `;
  return `${s.flag} / ${s.env} must be ${mustBe(s)} (${got}from ${from})`;
}

/** Flags (already split by the CLI, keyed by setting) win over the environment. Throws ConfigError on bad values. */
export function loadConfig(flags: Values = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const merged = defaults();
  const from = new Map<SettingKey, string>();
  for (const [key, s] of SETTING_LIST) {
    const raw = env[s.env];
    if (raw === undefined || raw === '') continue;
    merged[key] = s.kind === 'list' ? splitList(raw) : raw;
    from.set(key, s.env);
  }
  for (const [key, s] of SETTING_LIST) {
    const v = flags[key];
    if (v === undefined) continue;
    merged[key] = s.kind === 'list' ? splitList(v) : v;
    from.set(key, s.flag);
  }
  const parsed = schema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const lines = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const key = issue.path[0] as SettingKey;
    const s: Setting = S[key];
    const item = issue.path.length > 1 ? (merged[key] as unknown[])[issue.path[1] as number] : merged[key];
    lines.set(`${key}:${String(issue.path[1] ?? '')}`, complaint(s, item, from.get(key) ?? 'the default'));
  }
  const all = [...lines.values()];
  throw new ConfigError(all.length === 1 ? all[0]! : `invalid configuration:\n${all.map((l) => `  ${l}`).join('\n')}`);
}

/** Test and benchmark helper: defaults plus the given values, no environment. */
export function testConfig(over: ConfigInput = {}): Config {
  return schema.parse({ ...defaults(), ...over });
}
