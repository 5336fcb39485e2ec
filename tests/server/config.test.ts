import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConfigError, loadConfig, testConfig } from '../../platte/config.ts';
import { mustBe, SETTING_LIST, type Setting } from '../../platte/settings.ts';

it('defaults, then environment, then flags', () => {
  assert.equal(loadConfig({}, {}).port, 8080);
  assert.equal(loadConfig({}, {}).host, '127.0.0.1');
  assert.equal(loadConfig({}, {}).dataDir, './data');
  assert.equal(loadConfig({}, { PLATTE_PORT: '9000' }).port, 9000);
  assert.equal(loadConfig({ port: '9100' }, { PLATTE_PORT: '9000' }).port, 9100);
  assert.deepEqual(loadConfig({}, { PLATTE_TRUSTED_PROXIES: '10.0.0.1, 192.168.0.0/16' }).trustedProxies, ['10.0.0.1', '192.168.0.0/16']);
  assert.deepEqual(loadConfig({ trustedProxies: ['10.0.0.1', '10.0.0.2,loopback'] }, {}).trustedProxies, ['10.0.0.1', '10.0.0.2', 'loopback']);
  assert.equal(loadConfig({}, { PLATTE_REDIS_URL: 'redis://h:1' }).redisUrl, 'redis://h:1');
  assert.equal(loadConfig({}, {}).defaultLeasePolicy, 'hold');
  assert.equal(loadConfig({}, { PLATTE_DEFAULT_LEASE_POLICY: 'release' }).defaultLeasePolicy, 'release');
  assert.throws(() => loadConfig({ defaultLeasePolicy: 'drop' }, {}), /--default-lease-policy/);
});

it('every default of the table is a valid value', () => {
  assert.deepEqual(loadConfig({}, {}), testConfig());
  assert.equal(loadConfig({}, {}).redisUrl, undefined);
  assert.equal(loadConfig({}, {}).pollInterval, undefined);
});

it('bad values name the flag and the variable', () => {
  assert.throws(() => loadConfig({ port: 'eighty' }, {}), (e: Error) => e instanceof ConfigError && /--port \/ PLATTE_PORT/.test(e.message));
  assert.throws(() => loadConfig({}, { PLATTE_REDIS_URL: 'http://x' }), /--redis \/ PLATTE_REDIS_URL must be a redis/);
  assert.throws(() => loadConfig({ adminToken: 'short' }, {}), /at least 16/);
  assert.throws(() => loadConfig({ port: '70000' }, {}), /PLATTE_PORT/);
});

it("messages speak the user's language: what a valid value is, the value and where it came from", () => {
  assert.throws(() => loadConfig({ port: 'eighty' }, {}), { message: '--port / PLATTE_PORT must be a whole number from 0 to 65535 (got "eighty" from --port)' });
  assert.throws(() => loadConfig({}, { PLATTE_PORT: '70000' }), { message: '--port / PLATTE_PORT must be a whole number from 0 to 65535 (got "70000" from PLATTE_PORT)' });
  // Text a number coercion would have taken: "", "1e3", "0x50".
  for (const port of ['', '1e3', '0x50', '80.5']) assert.throws(() => loadConfig({ port }, {}), /must be a whole number from 0 to 65535/);
  // The admin token is a secret: never repeated.
  assert.throws(() => loadConfig({ adminToken: 'short-secret' }, {}), (e: Error) => !e.message.includes('short-secret') && /must be at least 16 characters \(from --admin-token\)/.test(e.message));
  assert.throws(
    () => loadConfig({ port: 'x', logLevel: 'loud' }, {}),
    { message: 'invalid configuration:\n  --port / PLATTE_PORT must be a whole number from 0 to 65535 (got "x" from --port)\n  --log-level / PLATTE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud" from --log-level)' },
  );
});

/** A value each kind of setting refuses. */
function badValue(key: string, s: Setting): unknown {
  if (s.kind === 'list') return ['not an address'];
  if (s.kind === 'text') return key === 'redisPrefix' ? 'a b' : key === 'redisUrl' ? 'http://x' : key === 'adminToken' ? 'short' : '';
  return 'nonsense';
}

it('every setting refuses a bad value in its own words, never the validation library\'s', () => {
  for (const [key, s] of SETTING_LIST) {
    assert.throws(
      () => loadConfig({ [key]: badValue(key, s) }, {}),
      (e: Error) => {
        assert.ok(e instanceof ConfigError);
        assert.ok(e.message.startsWith(`${s.flag} / ${s.env} must be ${mustBe(s)} (`), e.message);
        assert.doesNotMatch(e.message, /expected|received|invalid input|too (small|big)|NaN/i);
        return true;
      },
      key,
    );
  }
});
