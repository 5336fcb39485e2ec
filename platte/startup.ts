// Start-up failures a user can fix (the port is taken, the address is not on this machine, the
// data directory cannot be written, Redis does not answer) become one StartupError line saying what
// to change, instead of a stack trace. Errors without a system code are bugs and stay as they are.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { networkReason } from '../kernel/net-reasons.ts';

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Why `listen(port, host)` failed, in words; other errors are returned unchanged. */
export function listenFailure(err: unknown, host: string, port: number): unknown {
  const where = `cannot listen on ${hostPort(host, port)}`;
  switch (codeOf(err)) {
    case 'EADDRINUSE':
      return new StartupError(`${where}: the port is already in use (another Platte?); stop that process or choose another --port`);
    case 'EADDRNOTAVAIL':
      return new StartupError(`${where}: ${host} is not an address of this machine; give --host one of its addresses, or 0.0.0.0 for all`);
    case 'EACCES':
    case 'EPERM':
      return new StartupError(`${where}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE); choose a --port from 1024 up`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`${where}: ${host} is not a known host name; give --host an IP address or a name this machine resolves`);
    case undefined:
      return err;
    default:
      return new StartupError(`${where}: ${(err as Error).message}`);
  }
}

const DIR_REASONS = new Map([
  ['ENOTDIR', 'part of the path is a file, not a directory'],
  ['EEXIST', 'it is a file, not a directory'],
  ['EACCES', 'permission denied'],
  ['EPERM', 'operation not permitted'],
  ['EROFS', 'the file system is read-only'],
  ['ENOENT', 'it cannot be created there'],
  ['ENOSPC', 'no space left on the device'],
]);

/** mkdir -p one level at a time: Node's own recursive mkdir loops forever under /proc (ENOENT). */
function makeDir(dir: string): void {
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    const code = codeOf(err);
    if (code === 'EEXIST' && fs.statSync(dir).isDirectory()) return;
    const parent = path.dirname(dir);
    if (code !== 'ENOENT' || parent === dir || fs.existsSync(parent)) throw err;
    makeDir(parent);
    fs.mkdirSync(dir);
  }
}

/** Creates the embedded store's directory and proves a file can be written there. */
export function prepareDataDir(dir: string): void {
  try {
    makeDir(path.resolve(dir));
    const probe = path.join(dir, `.platte-write-check-${process.pid}`);
    fs.writeFileSync(probe, '', { flag: 'wx' });
    fs.rmSync(probe);
  } catch (err) {
    const code = codeOf(err);
    if (code === undefined) throw err;
    throw new StartupError(`cannot use the data directory ${dir} (--data-dir / PLATTE_DATA_DIR): ${DIR_REASONS.get(code) ?? (err as Error).message}`);
  }
}

/** The URL without its password, to show in messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Why opening the store failed. `connectError` is the error the Redis client reported while
 * connecting (its connect() itself only says "Connection is closed").
 */
export function storeFailure(err: unknown, config: Config, connectError?: Error): unknown {
  if (config.redisUrl && (connectError || codeOf(err) !== undefined || (err as Error | null)?.name === 'ReplyError')) {
    const cause = connectError ?? (err as Error);
    const code = codeOf(cause);
    const reason = networkReason(code) ?? cause.message;
    return new StartupError(`cannot use Redis at ${safeUrl(config.redisUrl)} (--redis / PLATTE_REDIS_URL): ${reason}`);
  }
  if (config.redisUrl || codeOf(err) === undefined) return err;
  return new StartupError(`cannot open the embedded store in ${config.dataDir} (--data-dir / PLATTE_DATA_DIR): ${(err as Error).message}`);
}
