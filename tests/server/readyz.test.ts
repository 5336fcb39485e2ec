// /healthz says the process is alive; /readyz says it can serve: a store round trip answered in time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startPlatte, STORE_KINDS } from '../helpers/platte.ts';

for (const kind of STORE_KINDS) {
  describe(`/readyz (${kind} store)`, () => {
    it('answers 200 ready with the store kind, for GET and HEAD, without a token', async () => {
      const t = await startPlatte(kind);
      try {
        await t.http.get('/readyz').expect(200, { status: 'ready', store: kind });
        await t.http.head('/readyz').expect(200);
        await t.http.get('/healthz').expect(200, { status: 'ok', store: kind });
      } finally {
        await t.close();
      }
    });

    it('answers 503 unavailable when the store does not answer, while /healthz stays 200', async () => {
      const t = await startPlatte(kind);
      try {
        const b = t.platte.backend;
        if (b.kind === 'embedded') b.db.close();
        else b.redis.disconnect();
        const res = await t.http.get('/readyz').expect(503);
        assert.equal(res.body.status, 'unavailable');
        assert.equal(res.body.store, kind);
        assert.equal(typeof res.body.message, 'string');
        await t.http.get('/healthz').expect(200);
      } finally {
        await t.close();
      }
    });
  });
}
