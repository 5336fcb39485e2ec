// A group created on first use takes the configured lease policy and lease.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startPlatte } from '../helpers/platte.ts';

for (const policy of ['hold', 'release'] as const) {
  it(`groups created on first use get lease policy "${policy}" from the configuration`, async () => {
    const t = await startPlatte('embedded', { defaultLeasePolicy: policy, defaultLeaseSeconds: 600 });
    try {
      await t.http.post('/v1/pre-reboot').set('fleet-lock-protocol', 'true').send({ client_params: { id: 'a'.repeat(32), group: 'fresh' } }).expect(200);
      const view = (await t.http.get('/api/v1/reboot-groups/fresh').set('Authorization', t.auth).expect(200)).body;
      assert.equal(view.lease.onExpiry, policy);
      assert.equal(view.lease.seconds, 600);
      assert.equal(view.max, 1);
    } finally {
      await t.close();
    }
  });
}
