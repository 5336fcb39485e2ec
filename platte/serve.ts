// `platte serve`: start Platte, print the first admin token once, shut down gracefully.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashToken, newTokenSecret } from '../kernel/auth/auth.ts';
import type { Config } from './config.ts';
import type { Logger } from '../kernel/log.ts';
import { createPlatte, type Platte, type PlatteOptions } from './platte.ts';
import { listenFailure, prepareDataDir } from './startup.ts';
import { buildEtcdApp, startEtcdListener, type EtcdListener } from './etcd-listener.ts';

export interface RunningServer {
  platte: Platte;
  server: http.Server;
  url: string;
  /** The etcd listener for locksmith (--etcd-listen), when configured. */
  etcd?: EtcdListener;
  /** Stops accepting, finishes in-flight requests, flushes and closes the store. */
  close(): Promise<void>;
}

/** Creates the first admin token when there is none (and none is configured); returns its secret. */
async function bootstrapAdminToken(platte: Platte): Promise<string | null> {
  if (platte.config.adminToken) return null;
  const secret = newTokenSecret();
  const added = await platte.store.bootstrapToken({ hash: hashToken(secret), name: 'admin (first start)', role: 'admin', createdAt: Date.now() });
  return added ? secret : null;
}

/**
 * Node's own limits, from --request-timeout: the whole request (headers and body) must arrive in
 * time, or Node answers 408 and closes the connection (the body reader then sees it aborted).
 */
function httpServerOptions(requestTimeoutSeconds: number): http.ServerOptions {
  const requestTimeout = requestTimeoutSeconds * 1000;
  return {
    requestTimeout,
    // The headers' own limit must not outlast the whole request's.
    headersTimeout: requestTimeout,
    // Node checks both limits on this period (30 s by default, which let a 30 s limit run to 60 s
    // and more): check often enough that the 408 comes at the limit.
    connectionsCheckingInterval: Math.min(1000, requestTimeout / 4),
    // Longer than the idle timeout of common load balancers (60 s), so they close first.
    keepAliveTimeout: 65_000,
  };
}

function printAdminToken(secret: string): void {
  process.stdout.write(
    `\nPlatte created an admin token. It is shown this once; only its hash is stored:\n\n  ${secret}\n\n` +
      `Use it as PLATTE_TOKEN for the CLI, or set PLATTE_ADMIN_TOKEN to choose your own.\n\n`,
  );
}

function listen(server: http.Server, config: Config): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(listenFailure(err, config.host, config.port)));
    server.listen(config.port, config.host, () => resolve());
  });
}

/**
 * Opens the store, listens, and only then creates the first admin token: a start that fails
 * (port taken, bad address) must not use up the one-time token. Fixable failures are StartupErrors.
 */
export async function startServer(config: Config, log: Logger, clock: Pick<PlatteOptions, 'now' | 'clockRate'> = {}): Promise<RunningServer> {
  if (!config.redisUrl && config.dataDir !== ':memory:') prepareDataDir(config.dataDir);
  // `clock`: the demo runs Platte on the simulator's clock; `platte serve` on the real one.
  const platte = await createPlatte(config, { log, ...clock });
  // Requests that arrive before the token is printed wait for it, so whoever sees the server
  // answer (a health check, a test) can also read the token.
  let started!: () => void;
  const startedP = new Promise<void>((resolve) => (started = resolve));
  const app = platte.app.callback();
  let handle: http.RequestListener = (req, res) => void startedP.then(() => app(req, res));
  const server = http.createServer(httpServerOptions(config.requestTimeout), (req, res) => handle(req, res));
  let etcd: EtcdListener | undefined;
  try {
    await listen(server, config);
    if (config.etcdListen) {
      etcd = await startEtcdListener(config.etcdListen, buildEtcdApp(platte.coordinator, log), httpServerOptions(config.requestTimeout));
    }
    const secret = await bootstrapAdminToken(platte);
    if (secret) printAdminToken(secret);
  } catch (err) {
    etcd?.server.close();
    etcd?.server.closeAllConnections();
    server.closeAllConnections();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
    await platte.close();
    throw err;
  }
  handle = app;
  started();
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  log.info({ url, store: platte.store.kind, ...(etcd ? { etcd: etcd.url } : {}) }, 'platte listening');

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      // Event streams never end by themselves: close them, or server.close() waits for the force timer.
      await platte.live.close();
      const servers = etcd ? [server, etcd.server] : [server];
      const done = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      for (const s of servers) s.closeIdleConnections();
      const force = setTimeout(() => servers.forEach((s) => s.closeAllConnections()), 10_000);
      force.unref();
      await done;
      clearTimeout(force);
      await platte.close();
      log.info('platte stopped');
    })());
  return { platte, server, url, ...(etcd ? { etcd } : {}), close };
}

/** Wires SIGTERM/SIGINT to a graceful close, then exit. */
export function closeOnSignals(running: RunningServer, log: Logger): void {
  const onSignal = (sig: NodeJS.Signals) => {
    log.info({ signal: sig }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
