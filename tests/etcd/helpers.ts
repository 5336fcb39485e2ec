// A whole Platte (both stores, tests/coordinator/helpers.ts) served over real HTTP, so requests
// reach it byte for byte as locksmith sends them (no client library re-encoding the path).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestPlatte } from '../coordinator/helpers.ts';
import { LocksmithClient, sendWithHeaders, type ClientOptions, type EtcdReply } from './locksmith-client.ts';

export interface Served {
  url: string;
  agent: http.Agent;
  /** A locksmith client against this Platte. */
  client(opts?: Omit<ClientOptions, 'endpoint' | 'agent'>): LocksmithClient;
  /** One raw request. */
  raw(method: string, target: string, body?: string, headers?: Record<string, string>): Promise<EtcdReply>;
  close(): Promise<void>;
}

export async function serve(t: TestPlatte): Promise<Served> {
  const server = http.createServer(t.platte.app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  return {
    url,
    agent,
    client: (opts = {}) => new LocksmithClient({ endpoint: url, agent, ...opts }),
    raw: (method, target, body = '', headers = {}) => sendWithHeaders(agent, `${url}${target}`, method, body, headers),
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
