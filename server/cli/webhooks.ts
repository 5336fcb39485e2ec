// `platte webhook add|list|remove|deliveries|test`: URLs told about rollout, node and release events,
// and what became of each delivery. The signing secret exists in clear only in the answer to `add`,
// so that is the one time it is printed.
import { InvalidArgumentError, type Command } from 'commander';
import { intArg, isoSeconds, printJson, printTable, request, withClientOptions, withJson } from '../../kernel/cli/common.ts';
import { PLATTE_EVENT_TYPES } from '../rollout/events.ts';
import { enc } from './app-options.ts';

type Opts = { server: string; token?: string; json?: boolean };

interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  createdAt: number;
}

interface Delivery {
  id: string;
  /** The event type, or `webhook.test`. */
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  lastAttemptAt: number | null;
}

const KNOWN: readonly string[] = PLATTE_EVENT_TYPES;
const time = (ms: number | null) => (ms === null ? '-' : isoSeconds(ms));

/** `rollout.halted,package.pulled` → the list; an unknown name is a usage error listing the known ones. */
function eventsArg(text: string): string[] {
  const events = text.split(',').map((e) => e.trim());
  const unknown = events.filter((e) => !KNOWN.includes(e));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown event ${unknown.map((e) => `"${e}"`).join(', ')}; events: ${KNOWN.join(', ')}`);
  return events;
}

async function add(url: string, o: Opts & { events: string[]; description?: string }): Promise<void> {
  const body = { url, events: o.events, ...(o.description !== undefined ? { description: o.description } : {}) };
  const r = await request<{ webhook: Webhook; secret: string }>(o, 'POST', '/api/v1/webhooks', body);
  if (o.json) return printJson(r);
  process.stdout.write(`webhook ${r.webhook.id} → ${r.webhook.url} (${r.webhook.events.join(', ')})\n`);
  process.stdout.write(`signing secret, shown only now (keep it where the receiver checks signatures):\n${r.secret}\n`);
}

async function list(o: Opts): Promise<void> {
  const { webhooks } = await request<{ webhooks: Webhook[] }>(o, 'GET', '/api/v1/webhooks');
  if (o.json) return printJson(webhooks);
  if (webhooks.length === 0) process.stdout.write('no webhooks\n');
  else await printTable(['id', 'url', 'events', 'description', 'created'], webhooks.map((w) => [w.id, w.url, w.events.join(', '), w.description || '-', isoSeconds(w.createdAt)]));
}

async function deliveries(id: string, o: Opts & { limit?: number }): Promise<void> {
  const query = o.limit === undefined ? '' : `?limit=${o.limit}`;
  const r = await request<{ deliveries: Delivery[] }>(o, 'GET', `/api/v1/webhooks/${enc(id)}/deliveries${query}`);
  if (o.json) return printJson(r.deliveries);
  const rows = r.deliveries.map((d) => [d.id, d.type, d.status, d.attempts, d.lastStatusCode ?? '-', d.lastError ?? '-', isoSeconds(d.createdAt), time(d.lastAttemptAt)]);
  if (rows.length === 0) process.stdout.write(`no deliveries for webhook ${id} yet\n`);
  else await printTable(['id', 'event', 'status', 'attempts', 'last HTTP status', 'last error', 'created', 'last attempt'], rows);
}

export function registerWebhookCommands(program: Command): void {
  const hook = program.command('webhook').description('webhooks: URLs that Platte tells about rollout, node and release events');
  withJson(withClientOptions(hook.command('add').description('add a webhook; prints its signing secret, once').argument('<url>', 'the URL events are POSTed to')))
    .requiredOption('--events <names>', `comma-separated events: ${KNOWN.join(', ')}`, eventsArg)
    .option('--description <text>', 'what the webhook is for')
    .action(add);
  withJson(withClientOptions(hook.command('list').description('list webhooks'))).action(list);
  withClientOptions(hook.command('remove').description('remove a webhook and its delivery log (queued deliveries are dropped)').argument('<id>', 'webhook id, from webhook list')).action(
    async (id: string, o: Opts) => {
      await request(o, 'DELETE', `/api/v1/webhooks/${enc(id)}`);
      process.stdout.write(`removed webhook ${id}\n`);
    },
  );
  withJson(withClientOptions(hook.command('deliveries').description('recent deliveries of a webhook: status, attempts, last error').argument('<id>', 'webhook id')))
    .option('--limit <n>', 'at most this many (1-1000)', intArg(1, 1000))
    .action(deliveries);
  withClientOptions(hook.command('test').description('queue a test delivery (event webhook.test) to see the receiver answer').argument('<id>', 'webhook id')).action(
    async (id: string, o: Opts) => {
      const { delivery } = await request<{ delivery: Delivery }>(o, 'POST', `/api/v1/webhooks/${enc(id)}/test`);
      process.stdout.write(`queued test delivery ${delivery.id}; follow it with: platte webhook deliveries ${id}\n`);
    },
  );
}
