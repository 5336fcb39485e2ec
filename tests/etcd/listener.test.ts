// `platte serve` with --etcd-listen: locksmith's keys on a second port (etcd's client port in
// production) as well as on the main one, every other path there an etcd "key not found"; a port
// that cannot be had stops the start naming the flag; the settings are validated.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, testConfig } from '../../platte/config.ts';
import { startServer } from '../../platte/serve.ts';
import { StartupError } from '../../platte/startup.ts';
import { silentLogger } from '../../kernel/log.ts';
import { LocksmithClient, sendWithHeaders } from './locksmith-client.ts';

const config = (over = {}) => testConfig({ dataDir: ':memory:', port: 0, adminToken: 'l'.repeat(24), etcdListen: '127.0.0.1:0', ...over });

describe('the etcd listener', () => {
  it('serves the same semaphores as the main port; other paths are etcd 404s there, untouched on the main port', async () => {
    const running = await startServer(config(), silentLogger());
    const agent = new http.Agent({ keepAlive: true });
    try {
      assert.ok(running.etcd, 'listening');
      assert.notEqual(running.etcd.url, running.url);
      const onEtcd = new LocksmithClient({ endpoint: `${running.etcd.url}/`, agent });
      const onMain = new LocksmithClient({ endpoint: running.url, agent });
      await onEtcd.lock('m1');
      assert.deepStrictEqual(await onMain.status(), { semaphore: 0, max: 1, holders: ['m1'] });
      await onMain.unlock('m1');
      assert.deepStrictEqual(await onEtcd.status(), { semaphore: 1, max: 1, holders: [] });
      for (const path of ['/healthz', '/v2/members', '/version', '/api/v1/reboot-groups', '/v1/pre-reboot']) {
        const r = await sendWithHeaders(agent, `${running.etcd.url}${path}`, 'GET', '', {});
        assert.equal(r.status, 404, path);
        assert.equal(r.body.errorCode, 100, path);
      }
      const health = await sendWithHeaders(agent, `${running.url}/healthz`, 'GET', '', {});
      assert.equal(health.status, 200);
    } finally {
      agent.destroy();
      await running.close();
    }
  });

  it('a port that is taken stops the start, naming --etcd-listen', async () => {
    const blocker = http.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await assert.rejects(startServer(config({ etcdListen: `127.0.0.1:${port}` }), silentLogger()), (e: unknown) => {
        assert.ok(e instanceof StartupError);
        assert.match(e.message, new RegExp(`^--etcd-listen 127.0.0.1:${port}: cannot listen on 127.0.0.1:${port}: the port is already in use`));
        return true;
      });
    } finally {
      blocker.close();
    }
  });

  it('settings: addresses, the default group, the auth mode', () => {
    const env = { PLATTE_ETCD_LISTEN: '0.0.0.0:2379', PLATTE_ETCD_DEFAULT_GROUP: 'web eu', PLATTE_ETCD_AUTH: 'required' };
    const c = loadConfig({}, env);
    assert.deepStrictEqual([c.etcdListen, c.etcdDefaultGroup, c.etcdAuth], ['0.0.0.0:2379', 'web eu', 'required']);
    const d = loadConfig({}, {});
    assert.deepStrictEqual([d.etcdListen, d.etcdDefaultGroup, d.etcdAuth], [undefined, 'default', 'optional']);
    assert.equal(loadConfig({ etcdListen: '[::]:2379' }, {}).etcdListen, '[::]:2379');
    for (const [flags, message] of [
      [{ etcdListen: '2379' }, /--etcd-listen \/ PLATTE_ETCD_LISTEN must be host:port, such as 0.0.0.0:2379/],
      [{ etcdListen: 'host:99999' }, /--etcd-listen/],
      [{ etcdDefaultGroup: '__proto__' }, /--etcd-default-group \/ PLATTE_ETCD_DEFAULT_GROUP must be a group name/],
      [{ etcdAuth: 'sometimes' }, /--etcd-auth \/ PLATTE_ETCD_AUTH must be one of optional, required/],
    ] as const) {
      assert.throws(() => loadConfig(flags, {}), (e: unknown) => e instanceof ConfigError && message.test(e.message));
    }
  });
});
