// A test client that speaks exactly what locksmith (flatcar/locksmith, etcd v2 client) sends for
// its etcd lock: every command first creates the key if absent (PUT ?prevExist=false with the
// initial document; 201 or 412 errorCode 105 are both fine), reads it (GET
// ?quorum=false&recursive=false&sorted=false), decides locally, and writes the changed document
// with PUT ?prevIndex=<modifiedIndex>. Local refusals carry locksmith's own messages.
import http from 'node:http';
import { queryEscape, semaphoreKey } from '../../coordinator/etcd/keys.ts';
import { byteOrder } from '../../coordinator/etcd/document.ts';

export interface Semaphore {
  semaphore: number;
  max: number;
  holders: string[] | null;
}

export interface EtcdReply {
  status: number;
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

/** A refusal locksmith makes itself, without writing: "semaphore is at 0", "holder exists", "holder does not exist". */
export class LocalRefusal extends Error {}

/** An answer locksmith's client turns into an error (any status it does not expect). */
export class EtcdFailure extends Error {
  constructor(readonly reply: EtcdReply) {
    super(`${reply.status} ${JSON.stringify(reply.body)}`);
  }
  get errorCode(): unknown {
    return this.reply.body.errorCode;
  }
}

export interface ClientOptions {
  /** http://host:port, with or without a trailing slash. */
  endpoint: string;
  /** locksmith's --group; none for the plain key. */
  group?: string;
  /** Basic auth, as --etcd-username / --etcd-password. */
  user?: string;
  password?: string;
  agent?: http.Agent;
}

const INITIAL = JSON.stringify({ semaphore: 1, max: 1, holders: null });

/** The path Go's client requests: the key (group query-escaped) with `%` escaped once more. */
export function keyPath(group?: string): string {
  return `/v2/keys${semaphoreKey(group ? group : null).replace(/%/g, '%25')}`;
}

export function encodeSemaphore(s: Semaphore): string {
  return JSON.stringify({ semaphore: s.semaphore, max: s.max, holders: s.holders });
}

export class LocksmithClient {
  readonly path: string;
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly agent: http.Agent;
  /** Every reply, in order (tests compare views at each step). */
  readonly log: { method: string; status: number; body: Record<string, unknown> }[] = [];

  constructor(opts: ClientOptions) {
    this.base = opts.endpoint.replace(/\/$/, '');
    this.path = keyPath(opts.group);
    this.agent = opts.agent ?? new http.Agent({ keepAlive: true, maxSockets: 1 });
    this.headers = opts.user === undefined ? {} : { authorization: `Basic ${Buffer.from(`${opts.user}:${opts.password ?? ''}`).toString('base64')}` };
  }

  async request(method: string, query: string, form?: Record<string, string>, path = this.path): Promise<EtcdReply> {
    const body = form ? Object.entries(form).map(([k, v]) => `${queryEscape(k)}=${queryEscape(v)}`).join('&') : '';
    const headers = { ...this.headers, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) };
    const url = `${this.base}${path}${query ? `?${query}` : ''}`;
    const res = await sendWithHeaders(this.agent, url, method, body, headers);
    this.log.push({ method, status: res.status, body: res.body });
    return res;
  }

  /** The opening of every command: create if absent. */
  async init(): Promise<void> {
    const r = await this.request('PUT', 'prevExist=false', { value: INITIAL });
    if (r.status === 201 || (r.status === 412 && r.body.errorCode === 105)) return;
    throw new EtcdFailure(r);
  }

  async get(): Promise<{ sem: Semaphore; index: number }> {
    const r = await this.request('GET', 'quorum=false&recursive=false&sorted=false');
    if (r.status !== 200) throw new EtcdFailure(r);
    const node = r.body.node as { value: string; modifiedIndex: number };
    return { sem: JSON.parse(node.value) as Semaphore, index: node.modifiedIndex };
  }

  async set(sem: Semaphore, index: number): Promise<EtcdReply> {
    const query = index > 0 ? `prevIndex=${index}` : '';
    const r = await this.request('PUT', query, { value: encodeSemaphore(sem) });
    if (r.status !== 200) throw new EtcdFailure(r);
    return r;
  }

  async status(): Promise<Semaphore> {
    await this.init();
    return (await this.get()).sem;
  }

  async lock(id: string): Promise<void> {
    await this.init();
    const { sem, index } = await this.get();
    if (sem.semaphore <= 0) throw new LocalRefusal('semaphore is at 0');
    const holders = sem.holders ?? [];
    if (holders.includes(id)) throw new LocalRefusal('holder exists');
    await this.set({ semaphore: sem.semaphore - 1, max: sem.max, holders: [...holders, id].sort(byteOrder) }, index);
  }

  async unlock(id: string): Promise<void> {
    await this.init();
    const { sem, index } = await this.get();
    const holders = sem.holders ?? [];
    if (!holders.includes(id)) throw new LocalRefusal('holder does not exist');
    await this.set({ semaphore: sem.semaphore + 1, max: sem.max, holders: holders.filter((h) => h !== id) }, index);
  }

  /** Returns the old max. */
  async setMax(max: number): Promise<number> {
    await this.init();
    const { sem, index } = await this.get();
    await this.set({ semaphore: sem.semaphore - (sem.max - max), max, holders: sem.holders }, index);
    return sem.max;
  }
}

/** One request over `agent` (keep-alive, as locksmith's one connection); the body parsed (non-JSON as {raw}). */
export function sendWithHeaders(agent: http.Agent, url: string, method: string, body: string, headers: Record<string, string>): Promise<EtcdReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = { raw: text };
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
