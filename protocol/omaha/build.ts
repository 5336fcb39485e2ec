// OmahaResponse → Omaha v3 response XML, by string building (see docs/omaha.md for the measurement
// against xml2js.Builder). Every attribute value goes through escapeAttr; every number is checked.
//
// A response that a client would reject (update_engine: error 34 "response invalid") is a server
// bug, so instead of sending it buildOmahaResponse throws OmahaBuildError: the route answers 500,
// the node backs off, and the log says what was wrong. What update_engine rejects is
// response-rules.ts, the rules a client reading the answer applies (client-response.ts); on top of
// them the builder demands values every client can use (digests in their formats, no blank URL).
import { offerProblem, withTrailingSlash, type OfferParts } from './response-rules.ts';
import type { ManifestPackage, OmahaAppResponse, OmahaResponse, UpdateManifest } from './types.ts';

export class OmahaBuildError extends Error {
  override name = 'OmahaBuildError';
}

// `u` flag: [\uD800-\uDFFF] then matches lone surrogates only, never a valid pair.
const NEEDS_ESCAPE = /[&<>"'\x00-\x1F\uFFFE\uFFFF\uD800-\uDFFF]/u;
const ESCAPE_ALL = /[&<>"'\x00-\x1F\uFFFE\uFFFF\uD800-\uDFFF]/gu;
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // Character references keep tab/LF/CR through attribute-value normalisation.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * Escapes a value for a double- or single-quoted XML attribute. Characters XML 1.0 cannot carry at
 * all, not even as references (other C0 controls, U+FFFE/U+FFFF, lone surrogates), become U+FFFD.
 */
export function escapeAttr(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(ESCAPE_ALL, (ch) => ENTITIES[ch] ?? '\uFFFD');
}

const SHA1_BASE64 = /^[A-Za-z0-9+/]{27}=$/;
const SHA256_BASE64 = /^[A-Za-z0-9+/]{43}=$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

function count(value: number, what: string, min: number): string {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new OmahaBuildError(`${what} must be an integer >= ${min}, got ${value}`);
  }
  return String(value);
}

function packageXml(pkg: ManifestPackage, index: number, version: string): string {
  const where = `release ${version} package ${index + 1}`;
  if (!pkg.name) throw new OmahaBuildError(`${where} has no name`);
  let xml = `<package name="${escapeAttr(pkg.name)}"`;
  if (pkg.sha1 !== undefined && pkg.sha1 !== '') {
    if (!SHA1_BASE64.test(pkg.sha1)) throw new OmahaBuildError(`${where}: sha1 is not base64 of 20 bytes`);
    xml += ` hash="${pkg.sha1}"`;
  }
  if (pkg.sha256Hex !== undefined && pkg.sha256Hex !== '') {
    if (!SHA256_HEX.test(pkg.sha256Hex)) throw new OmahaBuildError(`${where}: sha256 is not 64 hex digits`);
    xml += ` hash_sha256="${pkg.sha256Hex.toLowerCase()}"`;
  }
  xml += ` size="${count(pkg.size, `${where} size`, 1)}" required="${pkg.required ? 'true' : 'false'}"/>`;
  return xml;
}

/** The parts of the answer update_engine judges, as it will read them back. */
function offerOf(m: UpdateManifest | undefined): OfferParts {
  if (!m) return { hasManifest: false, codebases: [], payload: undefined, actions: [] };
  const payload = m.packages[0];
  return {
    hasManifest: true,
    codebases: m.urls.map(withTrailingSlash),
    payload: payload && { name: payload.name, size: String(payload.size) },
    actions: [{ event: 'postinstall', sha256: m.sha256 }],
  };
}

function checkOffer(m: UpdateManifest | undefined): asserts m is UpdateManifest {
  const problem = offerProblem(offerOf(m));
  if (problem !== null) {
    throw new OmahaBuildError(`update_engine would refuse ${m?.version ? `release ${m.version}` : 'this update'}: ${problem}`);
  }
}

function manifestXml(m: UpdateManifest, out: string[]): void {
  if (!m.version) throw new OmahaBuildError('manifest has no version');
  if (!SHA256_BASE64.test(m.sha256)) {
    throw new OmahaBuildError(`release ${m.version}: payload sha256 is not base64 of 32 bytes`);
  }
  out.push('      <urls>\n');
  for (const url of m.urls) {
    if (url.trim() === '') throw new OmahaBuildError(`release ${m.version} has an empty URL`);
    // update_engine adds the '/' itself, ue-rs joins URLs and would drop the last path segment.
    out.push(`        <url codebase="${escapeAttr(withTrailingSlash(url))}"/>\n`);
  }
  out.push('      </urls>\n', `      <manifest version="${escapeAttr(m.version)}">\n`, '        <packages>\n');
  m.packages.forEach((pkg, i) => out.push(`          ${packageXml(pkg, i, m.version)}\n`));
  out.push(
    '        </packages>\n',
    '        <actions>\n',
    `          <action event="postinstall" sha256="${m.sha256}" DisablePayloadBackoff="true"/>\n`,
    '        </actions>\n',
    '      </manifest>\n',
  );
}

function appXml(app: OmahaAppResponse, out: string[]): void {
  out.push(`  <app appid="${escapeAttr(app.appIdRaw)}" status="${escapeAttr(app.status)}">\n`);
  if (app.ping) out.push('    <ping status="ok"/>\n');
  const uc = app.updateCheck;
  if (uc) {
    let open = `    <updatecheck status="${escapeAttr(uc.status)}"`;
    if (uc.pollInterval !== undefined) open += ` PollInterval="${count(uc.pollInterval, 'PollInterval', 1)}"`;
    if (uc.status === 'ok') {
      checkOffer(uc.manifest);
      out.push(`${open}>\n`);
      manifestXml(uc.manifest, out);
      out.push('    </updatecheck>\n');
    } else {
      out.push(`${open}/>\n`);
    }
  }
  const events = Number(count(app.events, 'event count', 0));
  for (let i = 0; i < events; i++) out.push('    <event status="ok"/>\n');
  out.push('  </app>\n');
}

/** The full response document. `opts.server` names us in response@server (default "platte"). */
export function buildOmahaResponse(res: OmahaResponse, opts: { server?: string } = {}): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<response protocol="3.0" server="${escapeAttr(opts.server ?? 'platte')}">\n`,
    `  <daystart elapsed_seconds="${count(res.daystartElapsedSeconds, 'daystart elapsed_seconds', 0)}"/>\n`,
  ];
  for (const app of res.apps) appXml(app, out);
  out.push('</response>\n');
  return out.join('');
}
