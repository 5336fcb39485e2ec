import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConfigError, loadConfig } from '../../platte/config.ts';

it('defaults, then environment, then flags', () => {
  assert.equal(loadConfig({}, {}).port, 8080);
  assert.equal(loadConfig({}, {}).host, '127.0.0.1');
  assert.equal(loadConfig({}, {}).dataDir, './data');
  assert.equal(loadConfig({}, { PLATTE_PORT: '9000' }).port, 9000);
  assert.equal(loadConfig({ port: '9100' }, { PLATTE_PORT: '9000' }).port, 9100);
  assert.deepEqual(loadConfig({}, { PLATTE_TRUSTED_PROXIES: '10.0.0.1, 192.168.0.0/16' }).trustedProxies, ['10.0.0.1', '192.168.0.0/16']);
  assert.equal(loadConfig({}, { PLATTE_REDIS_URL: 'redis://h:1' }).redisUrl, 'redis://h:1');
  assert.equal(loadConfig({}, {}).defaultLeasePolicy, 'hold');
  assert.equal(loadConfig({}, { PLATTE_DEFAULT_LEASE_POLICY: 'release' }).defaultLeasePolicy, 'release');
  assert.throws(() => loadConfig({ defaultLeasePolicy: 'drop' }, {}), /--default-lease-policy/);
});

it('bad values name the flag and the variable', () => {
  assert.throws(() => loadConfig({ port: 'eighty' }, {}), (e: Error) => e instanceof ConfigError && /--port \/ PLATTE_PORT/.test(e.message));
  assert.throws(() => loadConfig({}, { PLATTE_REDIS_URL: 'http://x' }), /--redis \/ PLATTE_REDIS_URL: must be a redis/);
  assert.throws(() => loadConfig({ adminToken: 'short' }, {}), /at least 16/);
  assert.throws(() => loadConfig({ port: '70000' }, {}), /PLATTE_PORT/);
});
