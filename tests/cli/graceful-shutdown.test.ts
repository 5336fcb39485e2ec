// SIGTERM while a node's request is still arriving: the request is answered, then the process exits 0.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { startServe } from '../helpers/cli.ts';
import { ueRequest } from '../helpers/omaha.ts';
import { freePort } from '../helpers/redis-server.ts';

it('finishes in-flight requests before exiting on SIGTERM', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-stop-'));
  const port = await freePort();
  const srv = await startServe(['--port', String(port), '--data-dir', dir], { PLATTE_ADMIN_TOKEN: 'graceful-admin-token-0123456789' });
  try {
    const body = Buffer.from(ueRequest({ machineid: 'cd'.repeat(16) }));
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/v1/update/', method: 'POST', headers: { 'content-length': body.length, 'content-type': 'text/xml' } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.subarray(0, 100));
      // Half the body is in; stop the server, then send the rest.
      setTimeout(() => {
        srv.child.kill('SIGTERM');
        setTimeout(() => req.end(body.subarray(100)), 300);
      }, 200);
    });
    const res = await answer;
    assert.equal(res.status, 200);
    assert.match(res.text, /<response protocol="3.0"/);
    assert.equal(await srv.exited, 0);
  } finally {
    srv.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
