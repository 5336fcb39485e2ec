// The optional second listener for locksmith (--etcd-listen, e.g. 0.0.0.0:2379, etcd's client
// port and locksmith's default endpoint): the same coordinator's etcd keys on a port of their own,
// every other path answered as etcd answers a key it does not have. Plain HTTP, like the main port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { accessLog } from '../kernel/http/access-log.ts';
import type { Logger } from '../kernel/log.ts';
import type { Coordinator } from '../coordinator/index.ts';
import { parseListenAddress } from './config.ts';
import { listenFailure, StartupError } from './startup.ts';

export function buildEtcdApp(coordinator: Coordinator, log: Logger): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true;
  app.use(accessLog(log));
  app.use(coordinator.etcdListener);
  return app;
}

export interface EtcdListener {
  server: http.Server;
  url: string;
}

/** Listens on `address` (already validated by the configuration); a failure is a StartupError naming --etcd-listen. */
export async function startEtcdListener(address: string, app: Koa, options: http.ServerOptions): Promise<EtcdListener> {
  const { host, port } = parseListenAddress(address) as { host: string; port: number };
  const server = http.createServer(options, app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      const why = listenFailure(err, host, port);
      reject(why instanceof StartupError ? new StartupError(`--etcd-listen ${address}: ${why.message}`) : why);
    });
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return { server, url: `http://${shown}:${addr.port}` };
}
