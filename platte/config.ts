// Configuration: flags override environment variables override defaults. Parsed and validated
// once at start-up; a bad value stops the process with a message naming the flag and variable.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  port: port.default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  dataDir: z.string().min(1).default('./data'),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  redisPrefix: z.string().regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, _ and - only').default('platte'),
  adminToken: z.string().min(16, 'must be at least 16 characters').optional(),
  trustedProxies: z.array(z.string().min(1)).default([]),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Seconds a whole request (headers and body) may take to arrive; then 408 and the connection closes. */
  requestTimeout: z.coerce.number().int().min(1).max(3600).default(30),
  /** Seconds sent as updatecheck@PollInterval; unset = the client's own default (45 min). */
  pollInterval: z.coerce.number().int().min(60).max(86400).optional(),
  /** Reboot coordinator: what to do with a FleetLock group nobody configured. */
  unknownGroups: z.enum(['create', 'refuse']).default('create'),
  /** Reboot coordinator: at most this many groups created on first use (`create`) at a time. */
  maxAutoGroups: z.coerce.number().int().min(0).max(1_000_000).default(100),
  defaultMaxHolders: z.coerce.number().int().min(0).max(1_000_000).default(1),
  defaultLeaseSeconds: z.coerce.number().int().min(10).max(30 * 86400).default(3600),
  /** When a holder's lease runs out: keep the slot until an operator acts (hold) or free it. */
  defaultLeasePolicy: z.enum(['hold', 'release']).default('hold'),
});

export type Config = z.infer<typeof schema>;
export type ConfigInput = z.input<typeof schema>;

/** Where each setting can come from: flag name and environment variable. */
const SOURCES: Record<keyof Config, { flag: string; env: string }> = {
  port: { flag: '--port', env: 'PLATTE_PORT' },
  host: { flag: '--host', env: 'PLATTE_HOST' },
  dataDir: { flag: '--data-dir', env: 'PLATTE_DATA_DIR' },
  redisUrl: { flag: '--redis', env: 'PLATTE_REDIS_URL' },
  redisPrefix: { flag: '--redis-prefix', env: 'PLATTE_REDIS_PREFIX' },
  adminToken: { flag: '--admin-token', env: 'PLATTE_ADMIN_TOKEN' },
  trustedProxies: { flag: '--trusted-proxy', env: 'PLATTE_TRUSTED_PROXIES' },
  logLevel: { flag: '--log-level', env: 'PLATTE_LOG_LEVEL' },
  requestTimeout: { flag: '--request-timeout', env: 'PLATTE_REQUEST_TIMEOUT' },
  pollInterval: { flag: '--poll-interval', env: 'PLATTE_POLL_INTERVAL' },
  unknownGroups: { flag: '--unknown-groups', env: 'PLATTE_UNKNOWN_GROUPS' },
  maxAutoGroups: { flag: '--max-auto-groups', env: 'PLATTE_MAX_AUTO_GROUPS' },
  defaultMaxHolders: { flag: '--default-max-holders', env: 'PLATTE_DEFAULT_MAX_HOLDERS' },
  defaultLeaseSeconds: { flag: '--default-lease', env: 'PLATTE_DEFAULT_LEASE_SECONDS' },
  defaultLeasePolicy: { flag: '--default-lease-policy', env: 'PLATTE_DEFAULT_LEASE_POLICY' },
};

export class ConfigError extends Error {}

function fromEnv(env: NodeJS.ProcessEnv): Partial<Record<keyof Config, unknown>> {
  const out: Partial<Record<keyof Config, unknown>> = {};
  for (const [key, src] of Object.entries(SOURCES) as [keyof Config, { env: string }][]) {
    const v = env[src.env];
    if (v === undefined || v === '') continue;
    out[key] = key === 'trustedProxies' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v;
  }
  return out;
}

/** Flags (already split by the CLI) win over the environment. Throws ConfigError on bad values. */
export function loadConfig(
  flags: Partial<Record<keyof Config, unknown>> = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const merged: Record<string, unknown> = { ...fromEnv(env) };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) merged[k] = v;
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = i.path[0] as keyof Config;
      const src = SOURCES[key];
      const where = src ? `${src.flag} / ${src.env}` : String(key);
      return `  ${where}: ${i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Test and benchmark helper: defaults plus the given values, no environment. */
export function testConfig(over: ConfigInput = {}): Config {
  return schema.parse(over);
}
