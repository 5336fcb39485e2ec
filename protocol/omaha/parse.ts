// Omaha v3 request XML → OmahaRequest. Dumb and exact: values are copied as sent (no trimming, no
// case folding, no appid normalisation); what they mean is decided elsewhere.
import { attr, children, NO_ATTRS, parseXmlTree, toElement, type Attrs, type Element } from './xml-tree.ts';
import { guardOmahaXml, OmahaInputError } from './xml-guard.ts';
import type { OmahaAppRequest, OmahaEvent, OmahaRequest } from './types.ts';

const INTEGER = /^-?\d{1,10}$/;
const INT_MIN = -(2 ** 31);
const UINT_MAX = 2 ** 32 - 1;

/**
 * An integer attribute of <event>. Missing or empty → undefined. Surrounding whitespace is allowed.
 * Range is int32 ∪ uint32: update_engine prints error codes with %d, so the 1<<31 flag arrives negative.
 */
function eventInteger(attrs: Attrs, name: string): number | undefined {
  const raw = attr(attrs, name).trim();
  if (raw === '') return undefined;
  const value = INTEGER.test(raw) ? Number(raw) : NaN;
  if (!(value >= INT_MIN && value <= UINT_MAX)) {
    throw new OmahaInputError(`event ${name} is not an integer`);
  }
  return value;
}

function parseEvent(attrs: Attrs): OmahaEvent {
  const event: OmahaEvent = {
    eventType: eventInteger(attrs, 'eventtype') ?? 0,
    eventResult: eventInteger(attrs, 'eventresult') ?? 0,
  };
  const errorCode = eventInteger(attrs, 'errorcode');
  if (errorCode !== undefined) event.errorCode = errorCode;
  if (Object.hasOwn(attrs, 'previousversion')) event.previousVersion = attr(attrs, 'previousversion');
  return event;
}

function parseApp({ attrs, node }: Element): OmahaAppRequest {
  const updateChecks = children(node, 'updatecheck');
  const app: OmahaAppRequest = {
    appIdRaw: attr(attrs, 'appid'),
    // fromEntries defines own properties, so even an attribute called __proto__ stays plain data.
    attrs: Object.fromEntries(Object.entries(attrs)),
    version: attr(attrs, 'version'),
    track: attr(attrs, 'track'),
    bootId: attr(attrs, 'bootid'),
    machineId: attr(attrs, 'machineid'),
    machineAlias: attr(attrs, 'machinealias'),
    oem: attr(attrs, 'oem'),
    oemVersion: attr(attrs, 'oemversion'),
    alephVersion: attr(attrs, 'alephversion'),
    board: attr(attrs, 'board'),
    lang: attr(attrs, 'lang'),
    ping: children(node, 'ping').length > 0,
    updateCheck: updateChecks.length > 0,
    events: children(node, 'event').map((e) => parseEvent(e.attrs)),
  };
  const first = updateChecks[0];
  if (first && Object.hasOwn(first.attrs, 'targetversionprefix')) {
    app.targetVersionPrefix = attr(first.attrs, 'targetversionprefix');
  }
  return app;
}

/**
 * Parses an Omaha v3 request. Throws OmahaInputError for anything that is not a <request>
 * document Platte accepts (see xml-guard.ts for the limits).
 */
export async function parseOmahaRequest(body: string): Promise<OmahaRequest> {
  guardOmahaXml(body);
  let doc: unknown;
  try {
    doc = parseXmlTree(body);
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : '';
    throw new OmahaInputError(`malformed XML${detail ? `: ${detail.toLowerCase().replace(/\.$/, '')}` : ''}`);
  }
  if (doc === null || typeof doc !== 'object') throw new OmahaInputError('empty document');
  const top = doc as Record<string, unknown>;
  const rootName = Object.keys(top)[0];
  if (rootName !== 'request') throw new OmahaInputError(`root element is <${rootName ?? ''}>, expected <request>`);

  // The root itself is not wrapped in an array (explicitArray applies to children only).
  const { attrs, node } = toElement(top['request']);
  const os = children(node, 'os')[0]?.attrs ?? NO_ATTRS;
  const updaterVersion = attr(attrs, 'updaterversion') || attr(attrs, 'version');

  return {
    protocol: attr(attrs, 'protocol'),
    updaterVersion,
    installSource: attr(attrs, 'installsource'),
    os: {
      platform: attr(os, 'platform'),
      version: attr(os, 'version'),
      sp: attr(os, 'sp'),
      arch: attr(os, 'arch'),
    },
    apps: children(node, 'app').map(parseApp),
  };
}
