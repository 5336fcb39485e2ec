// A whole Platte (createPlatte) for coordinator tests, with a settable clock and one token per role.
import { after } from 'node:test';
import supertest from 'supertest';
import { hashToken } from '../../kernel/auth/auth.ts';
import { testConfig, type ConfigInput } from '../../platte/config.ts';
import { createPlatte, type Platte } from '../../platte/platte.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';

export const ADMIN = 'a'.repeat(24);
export const TOKENS = { admin: ADMIN, release: 'r'.repeat(24), readOnly: 'o'.repeat(24) };

export interface TestPlatte {
  platte: Platte;
  http: ReturnType<typeof supertest>;
  clock: { now: number };
  close(): Promise<void>;
}

export async function openTestPlatte(config: ConfigInput = {}, start = Date.parse('2025-01-06T10:00:00Z')): Promise<TestPlatte> {
  const clock = { now: start };
  const platte = await createPlatte(testConfig({ dataDir: ':memory:', adminToken: ADMIN, ...config }), { now: () => clock.now });
  for (const [secret, name, role] of [[TOKENS.release, 'release-bot', 'release'], [TOKENS.readOnly, 'dashboard', 'read-only']] as const) {
    const hash = hashToken(secret);
    if (!(await platte.store.findToken(hash))) await platte.store.addToken({ hash, name, role, createdAt: start });
  }
  return { platte, http: supertest(platte.app.callback()), clock, close: () => platte.close() };
}

/** A FleetLock request body. */
export function client(id: string, group = 'default'): { client_params: { id: string; group: string } } {
  return { client_params: { id, group } };
}

export const bearer = (token: string) => `Bearer ${token}`;

/**
 * Runs a suite on both stores. The Redis store shares one test redis-server per file (started on
 * first use, stopped after the file), each Platte under its own key prefix.
 */
export function onBothStores(prefix: string, suite: (kind: 'embedded' | 'redis', withPlatte: WithPlatte) => void): void {
  let redis: Promise<TestRedis> | null = null;
  let prefixes = 0;
  after(async () => {
    if (redis) await (await redis).cleanup();
  });
  for (const kind of ['embedded', 'redis'] as const) {
    const open = async (config: ConfigInput = {}) => {
      if (kind === 'embedded') return openTestPlatte(config);
      redis ??= startRedis();
      const { url } = await redis;
      return openTestPlatte({ redisUrl: url, redisPrefix: `${prefix}${prefixes++}`, ...config });
    };
    const withPlatte: WithPlatte = (fn, config = {}) => async () => {
      const t = await open(config);
      try {
        await fn(t);
      } finally {
        await t.close();
      }
    };
    suite(kind, withPlatte);
  }
}

/** A test body on a fresh Platte (closed afterwards), with optional configuration. */
export type WithPlatte = (fn: (t: TestPlatte) => Promise<void>, config?: ConfigInput) => () => Promise<void>;
