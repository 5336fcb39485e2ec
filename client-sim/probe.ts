// Before a run: is there an Omaha server at the URL, and does it know the fleet's app? One ping-only
// request without a machine id (Platte records nothing for it), answered within seconds.
import { buildRequest } from '../protocol/omaha/client-request.ts';
import { readResponseHeader } from '../protocol/omaha/client-response.ts';
import type { HttpClient } from './http.ts';

export class ProbeError extends Error {}

/** Throws ProbeError with a message a person can act on. */
export async function probeServer(http: HttpClient, server: string, appId: string): Promise<void> {
  const url = new URL('v1/update/', server.endsWith('/') ? server : `${server}/`);
  const body = buildRequest(
    {
      appId,
      version: '0.0.0',
      track: 'stable',
      bootId: '{00000000-0000-4000-8000-000000000000}',
      oem: '',
      oemVersion: '',
      alephVersion: '0.0.0',
      machineId: '',
      machineAlias: '',
      board: 'amd64-usr',
    },
    { kind: 'ping' },
  );
  const answer = await http.post(url, body, { 'content-type': 'text/xml' });
  if (answer.kind === 'no-answer') throw new ProbeError(`cannot reach Platte at ${server}: ${answer.error}`);
  const snippet = answer.body.replace(/\s+/g, ' ').trim().slice(0, 120);
  const what = snippet ? `"${snippet}"` : 'an empty body';
  if (answer.status !== 200) {
    throw new ProbeError(`${server} is not a working Omaha server: POST ${url.pathname} answered HTTP ${answer.status} with ${what}`);
  }
  const head = readResponseHeader(answer.body);
  if (head === null || head.protocol !== '3.0') {
    throw new ProbeError(`${server} does not speak Omaha: POST ${url.pathname} answered ${what} instead of <response protocol="3.0">`);
  }
  const status = head.appStatuses[0];
  if (status === 'error-unknownApplication') {
    throw new ProbeError(`Platte at ${server} does not know app ${appId}: create it (and a package and channel) first`);
  }
  if (status === 'error-invalidAppId') throw new ProbeError(`Platte at ${server} refuses app id ${appId} as invalid`);
}
