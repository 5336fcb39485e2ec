// A whole request, headers and body, must arrive within --request-timeout: a client that trickles
// its headers or its body gets 408 and is closed then, on every surface, not a minute later.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { loadConfig } from '../../platte/config.ts';
import { startServe, type ServerProcess } from '../helpers/cli.ts';
import { ueRequest } from '../helpers/omaha.ts';
import { FLATCAR } from '../helpers/platte.ts';
import { freePort } from '../helpers/redis-server.ts';

const TIMEOUT_S = 2;
/** Generous: Node checks the limits on a period, and the machine is shared. */
const CLOSED_WITHIN_MS = 3 * TIMEOUT_S * 1000;
const ADMIN = 'slow-senders-admin-token-0123456789';

let srv: ServerProcess;
let port: number;
let dir: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platte-slow-'));
  port = await freePort();
  srv = await startServe(['--port', String(port), '--data-dir', dir, '--request-timeout', String(TIMEOUT_S)], { PLATTE_ADMIN_TOKEN: ADMIN });
});

after(async () => {
  srv.child.kill('SIGTERM');
  await srv.exited;
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Sends `head`, then one `drip` every 200 ms until the server closes the connection (or 4 timeouts
 * pass). Resolves with what the server answered and how long the connection lasted.
 */
function trickle(head: string, drip: string): Promise<{ answer: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const sock = net.connect(port, '127.0.0.1');
    let answer = '';
    const timer = setInterval(() => sock.write(drip), 200);
    const stop = setTimeout(() => sock.destroy(), 4 * TIMEOUT_S * 1000);
    sock.on('data', (d) => (answer += d));
    sock.on('error', () => {});
    sock.on('close', () => {
      clearInterval(timer);
      clearTimeout(stop);
      resolve({ answer, ms: Date.now() - started });
    });
    sock.write(head);
  });
}

const head = (method: string, target: string, headers: string[]) => `${method} ${target} HTTP/1.1\r\nHost: platte\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;

async function assertCut(what: string, got: Promise<{ answer: string; ms: number }>) {
  const { answer, ms } = await got;
  assert.match(answer, /^HTTP\/1\.1 408 /, `${what}: expected a 408, got ${JSON.stringify(answer.slice(0, 80))} after ${ms} ms`);
  assert.ok(ms < CLOSED_WITHIN_MS, `${what}: the connection lasted ${ms} ms (limit ${TIMEOUT_S} s)`);
}

it('--request-timeout and PLATTE_REQUEST_TIMEOUT set the limit (seconds, default 30)', () => {
  assert.equal(loadConfig({}, {}).requestTimeout, 30);
  assert.equal(loadConfig({}, { PLATTE_REQUEST_TIMEOUT: '5' }).requestTimeout, 5);
  assert.equal(loadConfig({ requestTimeout: '7' }, { PLATTE_REQUEST_TIMEOUT: '5' }).requestTimeout, 7);
  assert.throws(() => loadConfig({ requestTimeout: '0' }, {}), /--request-timeout \/ PLATTE_REQUEST_TIMEOUT/);
  assert.throws(() => loadConfig({}, { PLATTE_REQUEST_TIMEOUT: 'soon' }), /--request-timeout \/ PLATTE_REQUEST_TIMEOUT/);
});

it('a client trickling its headers gets 408 at the limit', async () => {
  await assertCut('headers', trickle('GET /healthz HTTP/1.1\r\nHost: platte\r\n', 'X-Slow: 1\r\n'));
});

it('a client trickling its body gets 408 at the limit on the JSON API, Omaha and FleetLock', async () => {
  await Promise.all([
    assertCut(
      'JSON API',
      trickle(head('POST', '/api/v1/apps', [`Authorization: Bearer ${ADMIN}`, 'Content-Type: application/json', 'Content-Length: 1000']), ' '),
    ),
    assertCut('Omaha', trickle(head('POST', '/v1/update/', ['Content-Type: text/xml', 'Content-Length: 1000']), ' ')),
    assertCut('FleetLock', trickle(head('POST', '/v1/pre-reboot', ['fleet-lock-protocol: true', 'Content-Type: application/json', 'Content-Length: 1000']), ' ')),
    assertCut('chunked', trickle(head('POST', '/v1/steady-state', ['fleet-lock-protocol: true', 'Transfer-Encoding: chunked']), '1\r\n \r\n')),
  ]);
});

it('requests that arrive in time are answered as before', async () => {
  const url = `http://127.0.0.1:${port}`;
  const created = await fetch(`${url}/api/v1/apps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: FLATCAR, name: 'Flatcar' }),
  });
  assert.equal(created.status, 201);
  const check = await fetch(`${url}/v1/update/`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: ueRequest({ machineid: 'ef'.repeat(16) }) });
  assert.equal(check.status, 200);
  const lock = await fetch(`${url}/v1/pre-reboot`, {
    method: 'POST',
    headers: { 'fleet-lock-protocol': 'true', 'content-type': 'application/json' },
    body: JSON.stringify({ client_params: { id: 'node-1', group: 'default' } }),
  });
  assert.equal(lock.status, 200);
});
