// `platte serve`: start Platte, print the first admin token once, shut down gracefully.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashToken, newTokenSecret } from '../kernel/auth/auth.ts';
import type { Config } from './config.ts';
import type { Logger } from '../kernel/log.ts';
import { createPlatte, type Platte } from './platte.ts';
import { listenFailure, prepareDataDir } from './startup.ts';

export interface RunningServer {
  platte: Platte;
  server: http.Server;
  url: string;
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
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  if (!config.redisUrl && config.dataDir !== ':memory:') prepareDataDir(config.dataDir);
  const platte = await createPlatte(config, { log });
  // Requests that arrive before the token is printed wait for it, so whoever sees the server
  // answer (a health check, a test) can also read the token.
  let started!: () => void;
  const startedP = new Promise<void>((resolve) => (started = resolve));
  const app = platte.app.callback();
  let handle: http.RequestListener = (req, res) => void startedP.then(() => app(req, res));
  const server = http.createServer(httpServerOptions(config.requestTimeout), (req, res) => handle(req, res));
  try {
    await listen(server, config);
    const secret = await bootstrapAdminToken(platte);
    if (secret) printAdminToken(secret);
  } catch (err) {
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
  log.info({ url, store: platte.store.kind }, 'platte listening');

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      force.unref();
      await done;
      clearTimeout(force);
      await platte.close();
      log.info('platte stopped');
    })());
  return { platte, server, url, close };
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
