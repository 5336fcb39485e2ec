// What the webhook tests share: a local HTTP receiver that records what it gets and answers as the
// test says, Platte's webhooks on a backend with a job runner, and the webhook API on a small Koa
// app (the kernel's error boundary and auth, the routes mounted by platte/webhooks-wiring.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import supertest from 'supertest';
import { createAuth, hashToken } from '../../kernel/auth/auth.ts';
import type { TokenLookup } from '../../kernel/auth/tokens.ts';
import { jsonErrorBoundary, jsonNotFound } from '../../kernel/http/json-errors.ts';
import type { JobRunner } from '../../kernel/jobs/runner.ts';
import type { Logger } from '../../kernel/log.ts';
import type { Backend } from '../../kernel/storage/backend.ts';
import type { PlatteEvent } from '../../server/rollout/events.ts';
import { webhookMiddleware } from '../../platte/webhooks-wiring.ts';
import { createWebhooks, type Webhooks, type WebhooksDeps } from '../../server/webhooks/index.ts';

export const ADMIN = 'a'.repeat(24);
export const RELEASE = 'r'.repeat(24);

export interface Received {
  headers: Record<string, string>;
  body: string;
}

/** What the receiver does with the n-th request (0-based): answer a status, or never answer. */
export type Answer = (n: number) => number | 'hang';

export interface Receiver {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

export async function startReceiver(answer: Answer): Promise<Receiver> {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = requests.length;
      requests.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      const a = answer(n);
      if (a === 'hang') return;
      res.writeHead(a, { 'content-type': 'text/plain' }).end(a >= 300 ? `nope ${n}` : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/platte`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves once `check` holds, polling; the test's timeout bounds the wait. */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 5));
}

export function event(type: PlatteEvent['type'] = 'rollout.started', at = Date.UTC(2026, 0, 5, 10, 0, 0)): PlatteEvent {
  return { type, at, appId: 'e96281a6-d1af-4bde-9a0a-97b76e56dc57', channel: 'stable', version: '3602.2.0', by: 'release-bot', data: { percent: 10, step: 1 } };
}

export interface WebhookRig {
  webhooks: Webhooks;
  http: ReturnType<typeof supertest>;
}

const tokens: TokenLookup = {
  findToken: async (hash) => (hash === hashToken(RELEASE) ? { hash, name: 'release-bot', role: 'release', createdAt: 0 } : null),
  onTokenRevoked: () => () => {},
};

/** Webhooks on `backend` with the API on a Koa app; the caller starts and closes `jobs`. */
export function webhookRig(backend: Backend, jobs: JobRunner, log: Logger, now: () => number, extra: Partial<WebhooksDeps> = {}): WebhookRig {
  const webhooks = createWebhooks({ backend, jobs, log, now, ...extra });
  const auth = createAuth(tokens, ADMIN);
  const app = new Koa();
  app.silent = true;
  app.use(jsonErrorBoundary(log));
  app.use(webhookMiddleware(webhooks, auth.requireRole));
  app.use(jsonNotFound);
  return { webhooks, http: supertest(app.callback()) };
}
