// Every setting of `platte serve` in one table: flag, environment variable, default, meaning and
// what a valid value is. `platte serve`'s options and help are generated from it, config.ts
// validates against it, and a test holds README's configuration table to it. Plain data without
// zod, so that building the command line (and `platte --help`) stays fast.

interface Common {
  /** The flag, without its argument: `--port`. */
  flag: `--${string}`;
  /** The argument's name in the help: `port` gives `--port <port>`. */
  arg: string;
  env: `PLATTE_${string}`;
  /** One line for `platte serve --help` and README. */
  description: string;
}

/** A whole number within bounds. */
export interface WholeSetting extends Common {
  kind: 'whole';
  min: number;
  max: number;
  default?: number;
}

/** One of a few words. */
export interface ChoiceSetting extends Common {
  kind: 'choice';
  choices: readonly [string, ...string[]];
  default?: string;
}

/** Free text; `must` completes "must be …" when it is not valid. */
export interface TextSetting extends Common {
  kind: 'text';
  must: string;
  default?: string;
  /** Never repeated in an error message. */
  secret?: boolean;
}

/** Several values: the flag repeats or takes several, the variable is comma-separated. */
export interface ListSetting extends Common {
  kind: 'list';
  must: string;
  default: readonly string[];
}

export type Setting = WholeSetting | ChoiceSetting | TextSetting | ListSetting;

export const SETTINGS = {
  port: { flag: '--port', arg: 'port', env: 'PLATTE_PORT', kind: 'whole', min: 0, max: 65535, default: 8080, description: 'TCP port' },
  host: { flag: '--host', arg: 'address', env: 'PLATTE_HOST', kind: 'text', must: 'a host name or IP address', default: '127.0.0.1', description: 'address to listen on' },
  dataDir: {
    flag: '--data-dir',
    arg: 'dir',
    env: 'PLATTE_DATA_DIR',
    kind: 'text',
    must: 'a directory path',
    default: './data',
    description: 'embedded store directory (created if missing)',
  },
  redisUrl: {
    flag: '--redis',
    arg: 'url',
    env: 'PLATTE_REDIS_URL',
    kind: 'text',
    must: 'a redis:// or rediss:// URL',
    description: 'use Redis (redis:// or rediss://) instead of the embedded store',
  },
  redisPrefix: {
    flag: '--redis-prefix',
    arg: 'prefix',
    env: 'PLATTE_REDIS_PREFIX',
    kind: 'text',
    must: 'made of letters, digits, _ and - only',
    default: 'platte',
    description: 'key prefix in Redis',
  },
  adminToken: {
    flag: '--admin-token',
    arg: 'token',
    env: 'PLATTE_ADMIN_TOKEN',
    kind: 'text',
    must: 'at least 16 characters',
    secret: true,
    description: 'admin token (at least 16 characters); without one, the first start prints a new one',
  },
  trustedProxies: {
    flag: '--trusted-proxy',
    arg: 'addr...',
    env: 'PLATTE_TRUSTED_PROXIES',
    kind: 'list',
    must: 'IP addresses or CIDRs, such as 10.0.0.1 or 10.0.0.0/8',
    default: [],
    description: 'proxies (IPs or CIDRs; comma-separated in the variable) whose X-Forwarded-For is believed',
  },
  logLevel: {
    flag: '--log-level',
    arg: 'level',
    env: 'PLATTE_LOG_LEVEL',
    kind: 'choice',
    choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
    description: 'log level',
  },
  requestTimeout: {
    flag: '--request-timeout',
    arg: 'seconds',
    env: 'PLATTE_REQUEST_TIMEOUT',
    kind: 'whole',
    min: 1,
    max: 3600,
    default: 30,
    description: 'a whole request (headers and body) must arrive within this, else 408 and the connection closes',
  },
  pollInterval: {
    flag: '--poll-interval',
    arg: 'seconds',
    env: 'PLATTE_POLL_INTERVAL',
    kind: 'whole',
    min: 60,
    max: 86400,
    description: "PollInterval sent to nodes (unset: the node's own default, 45 min)",
  },
  staleAfter: {
    flag: '--stale-after',
    arg: 'duration',
    env: 'PLATTE_STALE_AFTER',
    kind: 'text',
    must: 'a duration from 1m to 365d, such as 90m, 24h or 7d',
    default: '24h',
    description: 'a node not seen for this long leaves the live counts and shows as stale until it checks in again',
  },
  unknownGroups: {
    flag: '--unknown-groups',
    arg: 'mode',
    env: 'PLATTE_UNKNOWN_GROUPS',
    kind: 'choice',
    choices: ['create', 'refuse'],
    default: 'create',
    description: 'a FleetLock group nobody configured: create it (1 slot) or refuse',
  },
  maxAutoGroups: {
    flag: '--max-auto-groups',
    arg: 'n',
    env: 'PLATTE_MAX_AUTO_GROUPS',
    kind: 'whole',
    min: 0,
    max: 1_000_000,
    default: 100,
    description: 'at most this many groups created on first use at a time (one idle for a day is forgotten)',
  },
  defaultMaxHolders: {
    flag: '--default-max-holders',
    arg: 'n',
    env: 'PLATTE_DEFAULT_MAX_HOLDERS',
    kind: 'whole',
    min: 0,
    max: 1_000_000,
    default: 1,
    description: 'slots of a group created on first use',
  },
  defaultLeaseSeconds: {
    flag: '--default-lease',
    arg: 'seconds',
    env: 'PLATTE_DEFAULT_LEASE_SECONDS',
    kind: 'whole',
    min: 10,
    max: 30 * 86400,
    default: 3600,
    description: 'reboot slot lease',
  },
  defaultLeasePolicy: {
    flag: '--default-lease-policy',
    arg: 'policy',
    env: 'PLATTE_DEFAULT_LEASE_POLICY',
    kind: 'choice',
    choices: ['hold', 'release'],
    default: 'hold',
    description: 'a lease ran out: hold (keep the slot until an operator acts) or release',
  },
  etcdListen: {
    flag: '--etcd-listen',
    arg: 'host:port',
    env: 'PLATTE_ETCD_LISTEN',
    kind: 'text',
    must: 'host:port, such as 0.0.0.0:2379 or [::]:2379',
    description: "also serve locksmith's etcd keys (/v2/keys, always on --port too) on this address, such as etcd's 0.0.0.0:2379",
  },
  etcdDefaultGroup: {
    flag: '--etcd-default-group',
    arg: 'group',
    env: 'PLATTE_ETCD_DEFAULT_GROUP',
    kind: 'text',
    must: 'a group name of 1 to 128 characters without control characters',
    default: 'default',
    description: "the reboot group locksmith's plain key (no LOCKSMITHD_GROUP) stands for",
  },
  etcdAuth: {
    flag: '--etcd-auth',
    arg: 'mode',
    env: 'PLATTE_ETCD_AUTH',
    kind: 'choice',
    choices: ['optional', 'required'],
    default: 'optional',
    description: 'etcd basic auth (user = machine id, password = a Platte token): optional (anonymous may take and give back slots, as with FleetLock) or required',
  },
} as const satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;

/** The table as a list, in its order (the order of the help and of README). */
export const SETTING_LIST: readonly [SettingKey, Setting][] = Object.entries(SETTINGS) as [SettingKey, Setting][];

/** What a valid value is, to end "must be …". */
export function mustBe(s: Setting): string {
  if (s.kind === 'whole') return `a whole number from ${s.min} to ${s.max}`;
  if (s.kind === 'choice') return `one of ${s.choices.join(', ')}`;
  return s.must;
}

/** The default as README and the help show it. */
export function defaultText(s: Setting): string | undefined {
  if (s.default === undefined) return undefined;
  if (Array.isArray(s.default)) return s.default.length ? s.default.join(',') : undefined;
  return String(s.default);
}

/** The help line of a setting: its meaning, then [valid values; variable, default]. */
export function helpText(s: Setting): string {
  const values = s.kind === 'choice' ? `${s.choices.join('|')}; ` : s.kind === 'whole' ? `${s.min}-${s.max}; ` : '';
  const def = defaultText(s);
  return `${s.description} [${values}${s.env}${def === undefined ? '' : `, default ${def}`}]`;
}
