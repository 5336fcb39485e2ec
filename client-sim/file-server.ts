// A tiny payload server on this machine for the demo and the tests: serves generated update
// payloads from memory so nodes really download them and check size and SHA-256.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRandom } from './random.ts';

export interface Payload {
  version: string;
  /** Architecture as Platte names it (amd64, arm64). */
  arch: string;
  /** Base URL ending with `/`. */
  url: string;
  name: string;
  size: number;
  /** Base64 SHA-256 (what update_engine checks). */
  sha256: string;
  /** Base64 SHA-1 (the `hash` attribute). */
  sha1: string;
}

export interface PayloadServer {
  payloads: Payload[];
  /** Base URL of the server, e.g. http://127.0.0.1:41234. */
  base: string;
  /** Payloads fully sent. */
  served(): number;
  close(): Promise<void>;
}

const PAYLOAD_NAME = 'flatcar_production_update.gz';

/** Serves one generated payload of `size` bytes per (version, arch) under /<board>/<version>/. */
export async function startPayloadServer(
  releases: { version: string; arch: string }[],
  size = 64 * 1024,
  host = '127.0.0.1',
): Promise<PayloadServer> {
  const files = new Map<string, Buffer>();
  const server = http.createServer((req, res) => {
    const body = req.method === 'GET' || req.method === 'HEAD' ? files.get(req.url ?? '') : undefined;
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length });
    if (req.method === 'HEAD') return void res.end();
    res.end(body, () => sent++);
  });
  let sent = 0;
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://${host}:${port}`;
  const payloads = releases.map(({ version, arch }, i) => {
    const rng = createRandom(1000 + i);
    const bytes = Buffer.alloc(size);
    for (let o = 0; o + 4 <= size; o += 4) bytes.writeUInt32LE(rng.int(0, 0xffffffff) >>> 0, o);
    const path = `/${arch}-usr/${version}/`;
    files.set(path + PAYLOAD_NAME, bytes);
    return {
      version,
      arch,
      url: base + path,
      name: PAYLOAD_NAME,
      size,
      sha256: createHash('sha256').update(bytes).digest('base64'),
      sha1: createHash('sha1').update(bytes).digest('base64'),
    };
  });
  return {
    payloads,
    base,
    served: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
