// Reads the locksmith capture in shared/vectors/locksmith/ (locksmithctl against etcd 3.4 with the
// v2 API, behind a logging proxy): each exchange's request as sent and etcd's answer, with the
// proxy's own doings marked (answers it made up instead of forwarding, writes it slipped in).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CAPTURE = fileURLToPath(new URL('../../../shared/vectors/locksmith/locksmithctl-etcd-v2.txt', import.meta.url));

export interface Exchange {
  /** `#12` in the capture. */
  n: number;
  /** The STEP heading it belongs to. */
  step: string;
  method: string;
  /** Path and query as sent. */
  target: string;
  headers: Map<string, string>;
  body: string;
  /** made-up: the proxy answered itself (503, 307), etcd never saw it; race: the proxy wrote the same value just before forwarding. */
  proxy: 'made-up' | 'race' | null;
  status: number;
  responseBody: string;
}

export function readCapture(file = CAPTURE): Exchange[] {
  const out: Exchange[] = [];
  let step = '';
  let cur: Exchange | null = null;
  let part: 'req-head' | 'req-body' | 'res-head' | 'res-body' | null = null;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const stepHead = /^########## (STEP \d+: .*)$/.exec(line);
    if (stepHead) step = stepHead[1] as string;
    const start = /^--- #(\d+) /.exec(line);
    if (start) {
      cur = { n: Number(start[1]), step, method: '', target: '', headers: new Map(), body: '', proxy: null, status: 0, responseBody: '' };
      out.push(cur);
      part = 'req-head';
      continue;
    }
    if (!cur) continue;
    if (line.startsWith('#   [proxy-injected race]')) cur.proxy = 'race';
    else if (/^#   \[proxy-injected .*not forwarded\]/.test(line)) cur.proxy = 'made-up';
    if (line.startsWith('>')) {
      const text = line.slice(2);
      if (part === 'req-head' && cur.method === '') {
        const [method, target] = text.split(' ') as [string, string];
        cur.method = method;
        cur.target = target;
      } else if (part === 'req-head' && line === '>') part = 'req-body';
      else if (part === 'req-head') {
        const colon = text.indexOf(':');
        cur.headers.set(text.slice(0, colon).toLowerCase(), text.slice(colon + 1).trim());
      } else if (part === 'req-body') cur.body += text;
    } else if (line.startsWith('<')) {
      const text = line.slice(2);
      if (cur.status === 0) {
        cur.status = Number(text.split(' ')[0]);
        part = 'res-head';
      } else if (part === 'res-head' && line === '<') part = 'res-body';
      else if (part === 'res-body') cur.responseBody += text;
    }
  }
  return out;
}
