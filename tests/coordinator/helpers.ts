// A whole Platte (createPlatte) for coordinator tests, with a settable clock and one token per role.
import supertest from 'supertest';
import { hashToken } from '../../kernel/auth/auth.ts';
import { testConfig, type ConfigInput } from '../../platte/config.ts';
import { createPlatte, type Platte } from '../../platte/platte.ts';

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
