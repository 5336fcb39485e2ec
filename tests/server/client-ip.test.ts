// X-Forwarded-For is believed only from configured trusted proxies.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ueRequest } from '../helpers/omaha.ts';
import { FLATCAR, seedRelease, startPlatte } from '../helpers/platte.ts';

async function ipSeen(trustedProxies: string[]): Promise<string> {
  const t = await startPlatte('embedded', { trustedProxies });
  try {
    await seedRelease(t);
    const id = '9'.repeat(32);
    await t.http.post('/v1/update/').set('X-Forwarded-For', '203.0.113.7').send(ueRequest({ machineid: id })).expect(200);
    return (await t.http.get(`/api/v1/apps/${FLATCAR}/instances/${id}`).set('Authorization', t.auth).expect(200)).body.instance.ip;
  } finally {
    await t.close();
  }
}

it('uses the socket address when the peer is not a trusted proxy', async () => {
  assert.match(await ipSeen([]), /^(127\.0\.0\.1|::1)$/);
  assert.match(await ipSeen(['10.0.0.0/8']), /^(127\.0\.0\.1|::1)$/);
});

it('uses X-Forwarded-For from a trusted proxy', async () => {
  assert.equal(await ipSeen(['127.0.0.1', '::1']), '203.0.113.7');
});
