// Starts a real Platte (createPlatte) on either store for integration tests, with an admin token and
// a supertest agent. Redis-backed instances get a private redis-server per test file.
import supertest from 'supertest';
import { FLATCAR_APP_ID } from '../../protocol/omaha/appid.ts';
import { testConfig, type ConfigInput } from '../../platte/config.ts';
import { createPlatte, type Platte } from '../../platte/platte.ts';
import { startRedis, type TestRedis } from './redis-server.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const FLATCAR = FLATCAR_APP_ID;
export const STORE_KINDS = ['embedded', 'redis'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface TestPlatte {
  platte: Platte;
  http: ReturnType<typeof supertest>;
  /** Authorization header value for the admin token. */
  auth: string;
  /** Moves the fake clock. */
  advance(ms: number): void;
  close(): Promise<void>;
}

let redis: TestRedis | null = null;
let redisUsers = 0;
let prefixSeq = 0;

export async function startPlatte(kind: StoreKind, over: ConfigInput = {}): Promise<TestPlatte> {
  let clock = Date.UTC(2026, 10, 25, 12, 0, 0);
  let redisUrl: string | undefined;
  if (kind === 'redis') {
    redis ??= await startRedis();
    redisUsers++;
    redisUrl = redis.url;
  }
  const config = testConfig({
    dataDir: ':memory:',
    adminToken: ADMIN_TOKEN,
    ...(redisUrl ? { redisUrl, redisPrefix: `t${process.pid}x${prefixSeq++}` } : {}),
    ...over,
  });
  const platte = await createPlatte(config, { now: () => clock });
  return {
    platte,
    http: supertest(platte.app.callback()),
    auth: `Bearer ${ADMIN_TOKEN}`,
    advance(ms) {
      clock += ms;
    },
    async close() {
      await platte.close();
      if (kind === 'redis' && --redisUsers === 0 && redis) {
        const r = redis;
        redis = null;
        await r.cleanup();
      }
    },
  };
}

/** Creates the Flatcar app with packages, creates the channel (`stable`) and promotes `channelVersion` on it. */
export async function seedRelease(t: TestPlatte, opts: { versions?: string[]; channel?: string; channelVersion?: string; arch?: string } = {}) {
  const versions = opts.versions ?? ['3510.2.0', '3602.2.0'];
  await t.http.post('/api/v1/apps').set('Authorization', t.auth).send({ id: FLATCAR, name: 'Flatcar' }).expect(201);
  for (const version of versions) {
    await t.http
      .post(`/api/v1/apps/${FLATCAR}/packages`)
      .set('Authorization', t.auth)
      .send({
        version,
        url: `https://update.example.test/amd64-usr/${version}`,
        name: 'flatcar_production_update.gz',
        size: 382137917,
        sha256: 'stLG3U/o4Ar8TMHFwT/RWB0iNkaWOO6QtLrq6+AHBbA=',
        sha1: 'I6DGNAOrJRUxPbCuLw+AITfiVMo=',
        arch: opts.arch ?? 'amd64',
      })
      .expect(201);
  }
  const channelVersion = opts.channelVersion ?? versions[versions.length - 1]!;
  await t.http.post(`/api/v1/apps/${FLATCAR}/channels`).set('Authorization', t.auth).send({ name: opts.channel ?? 'stable' }).expect(201);
  await t.http
    .put(`/api/v1/apps/${FLATCAR}/channels/${opts.channel ?? 'stable'}`)
    .set('Authorization', t.auth)
    .send({ version: channelVersion })
    .expect(200);
}
