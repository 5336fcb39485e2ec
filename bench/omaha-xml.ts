// Omaha XML cost per update check: guard, parse (guard + xml2js), build (string building vs
// xml2js.Builder producing the same document) and parse+build, each against a fixed-string
// baseline measured in the same run (encoding a precomputed response, the least a server can do).
// Run: node --import tsx bench/omaha-xml.ts [secondsPerCase]
import { readFileSync } from 'node:fs';
import xml2js from 'xml2js';
import { buildOmahaResponse } from '../protocol/omaha/build.ts';
import { parseOmahaRequest } from '../protocol/omaha/parse.ts';
import { nebraskaRelease } from '../tests/helpers/nebraska-release.ts';
import type { OmahaResponse } from '../protocol/omaha/types.ts';
import { guardOmahaXml } from '../protocol/omaha/xml-guard.ts';

const SECONDS = Number(process.argv[2] ?? 1);
const REQUEST = readFileSync(new URL('../../shared/vectors/omaha/flatcar-ue-rs-request.xml', import.meta.url), 'utf8');

const RESPONSE: OmahaResponse = {
  daystartElapsedSeconds: 49008,
  apps: [
    {
      appIdRaw: 'e96281a6-d1af-4bde-9a0a-97b76e56dc57',
      status: 'ok',
      ping: true,
      events: 1,
      updateCheck: {
        status: 'ok',
        pollInterval: 2700,
        manifest: nebraskaRelease(),
      },
    },
  ],
};

/** The same document through xml2js.Builder, for the comparison that picked string building. */
function buildWithXml2js(res: OmahaResponse): string {
  const apps = res.apps.map((app) => {
    const node: Record<string, unknown> = { $: { appid: app.appIdRaw, status: app.status } };
    if (app.ping) node['ping'] = { $: { status: 'ok' } };
    const uc = app.updateCheck;
    if (uc) {
      const ucNode: Record<string, unknown> = { $: { status: uc.status, ...(uc.pollInterval ? { PollInterval: uc.pollInterval } : {}) } };
      const m = uc.manifest;
      if (m) {
        ucNode['urls'] = { url: m.urls.map((u) => ({ $: { codebase: u.endsWith('/') ? u : `${u}/` } })) };
        ucNode['manifest'] = {
          $: { version: m.version },
          packages: {
            package: m.packages.map((p) => ({
              $: {
                name: p.name,
                ...(p.sha1 ? { hash: p.sha1 } : {}),
                ...(p.sha256Hex ? { hash_sha256: p.sha256Hex } : {}),
                size: p.size,
                required: String(p.required),
              },
            })),
          },
          actions: { action: { $: { event: 'postinstall', sha256: m.sha256, DisablePayloadBackoff: 'true' } } },
        };
      }
      node['updatecheck'] = ucNode;
    }
    if (app.events) node['event'] = Array.from({ length: app.events }, () => ({ $: { status: 'ok' } }));
    return node;
  });
  const builder = new xml2js.Builder({ xmldec: { version: '1.0', encoding: 'UTF-8' } });
  return builder.buildObject({
    response: { $: { protocol: '3.0', server: 'platte' }, daystart: { $: { elapsed_seconds: res.daystartElapsedSeconds } }, app: apps },
  });
}

async function rate(name: string, fn: () => unknown): Promise<number> {
  for (let i = 0; i < 2000; i++) await fn(); // warm-up
  let ops = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) await fn();
    ops += 200;
  }
  const perSecond = ops / SECONDS;
  console.log(`${name.padEnd(44)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} /s`);
  return perSecond;
}

const fixed = buildOmahaResponse(RESPONSE);
console.log(`request ${REQUEST.length} B, response ${fixed.length} B, ${SECONDS}s per case, node ${process.version}`);
const baseline = await rate('baseline: encode fixed response string', () => Buffer.from(fixed));
const guard = await rate('guard only', () => guardOmahaXml(REQUEST));
const parse = await rate('parse (guard + xml2js)', () => parseOmahaRequest(REQUEST));
const build = await rate('build (string building)', () => Buffer.from(buildOmahaResponse(RESPONSE)));
const builder = await rate('build (xml2js.Builder, same document)', () => Buffer.from(buildWithXml2js(RESPONSE)));
const both = await rate('parse + build', async () => {
  const req = await parseOmahaRequest(REQUEST);
  const [app] = RESPONSE.apps;
  return Buffer.from(buildOmahaResponse({ ...RESPONSE, apps: [{ ...app!, appIdRaw: req.apps[0]!.appIdRaw }] }));
});

console.log('');
console.log(`guard share of parse:              ${(parse / guard * 100).toFixed(1)}%`);
console.log(`string build vs xml2js.Builder:    ${(build / builder).toFixed(1)}x faster`);
console.log(`baseline / (parse + build):        ${(baseline / both).toFixed(1)}x`);
console.log(`checks/s one core sustains for XML: ${Math.round(both).toLocaleString('en-US')} ≈ ${Math.round(both * 2700).toLocaleString('en-US')} nodes at one check per 45 min`);
