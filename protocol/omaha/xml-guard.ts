// Cheap structural checks on a raw Omaha request body, run BEFORE the XML parser sees it.
//
// Why: xml2js (sax underneath) does not expand DTD entities, but it does accept things an Omaha
// request never contains (DOCTYPE, processing instructions, several root elements, raw control
// characters, `<` inside attribute values, duplicate attributes) and it has no limits of its own.
// One linear scan here rejects all of that with a short, human message and caps the work the parser
// and the server can be asked to do. Body size is capped earlier, by the route (64 KiB → 413).
import { isWellFormed } from '../../kernel/unicode.ts';

export class OmahaInputError extends Error {
  override name = 'OmahaInputError';
}

export const OMAHA_XML_LIMITS = {
  /** request > app > event is 3; leave room, refuse anything silly. */
  maxDepth: 8,
  maxElements: 256,
  maxApps: 64,
  maxAttributesPerElement: 64,
  /** Raw (still escaped) length, so a value can never be longer once decoded. */
  maxAttributeValue: 512,
  maxNameLength: 64,
} as const;

// C0 controls other than tab/LF/CR, and the two non-characters XML 1.0 forbids. sax lets them through.
const FORBIDDEN_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;

// Every `&`: one of the five XML entities, a numeric reference (decimal or hex digits captured), or
// anything else (a bare `&`, or an HTML name such as &nbsp;, which sax would resolve even in strict
// mode; XML and libxml2 do not).
const REFERENCE = /&(?:amp|lt|gt|quot|apos|#([0-9]+)|#x([0-9a-fA-F]+));|&/g;

/** XML 1.0 Char: a numeric reference to anything else (&#0;, &#xD800;) is not well-formed XML. */
function isXmlChar(c: number): boolean {
  if (c < 0x20) return c === 0x9 || c === 0xa || c === 0xd;
  return c <= 0xd7ff || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f;
const QMARK = 0x3f;
const BANG = 0x21;
const EQ = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** End (exclusive) of a tag or attribute name starting at `i`. */
function nameEnd(body: string, i: number): number {
  const n = body.length;
  while (i < n) {
    const c = body.charCodeAt(i);
    if (isSpace(c) || c === GT || c === SLASH || c === EQ || c === LT || c === DQUOTE || c === SQUOTE) break;
    i++;
  }
  return i;
}

function skipSpace(body: string, i: number): number {
  while (i < body.length && isSpace(body.charCodeAt(i))) i++;
  return i;
}

function fail(message: string): never {
  throw new OmahaInputError(message);
}

/**
 * Throws OmahaInputError when `body` is not something Platte is willing to hand to the XML parser.
 * Passing the guard does not make the body well-formed XML; the parser still decides that.
 */
export function guardOmahaXml(body: string): void {
  const L = OMAHA_XML_LIMITS;
  if (body.trim() === '') fail('empty body');
  if (FORBIDDEN_CHARS.test(body)) fail('body contains a control character');
  if (!isWellFormed(body)) fail('body contains a lone UTF-16 surrogate');

  const n = body.length;
  let i = body.charCodeAt(0) === 0xfeff ? 1 : 0;
  let depth = 0;
  let elements = 0;
  let apps = 0;
  let rootOpened = false;
  let rootClosed = false;
  let sawMarkup = false; // anything before, so a later <?xml ...?> is misplaced
  const rawRanges: number[] = []; // [start, end) pairs of comments and CDATA, where '&' is plain text

  while (i < n) {
    const lt = body.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (depth === 0) {
      for (let k = i; k < textEnd; k++) {
        if (!isSpace(body.charCodeAt(k))) fail('text outside the root element');
      }
    }
    if (lt === -1) break;
    i = lt;
    const next = body.charCodeAt(i + 1);

    if (next === QMARK) {
      const end = body.indexOf('?>', i + 2);
      if (end === -1) fail('unterminated processing instruction');
      const target = body.slice(i + 2, nameEnd(body, i + 2));
      if (target.toLowerCase() !== 'xml') fail('processing instructions are not allowed');
      // Only whitespace can precede it: text before the root was checked above.
      if (sawMarkup) fail('XML declaration must come first');
      sawMarkup = true;
      i = end + 2;
      continue;
    }
    sawMarkup = true;

    if (next === BANG) {
      if (body.startsWith('<!--', i)) {
        const end = body.indexOf('-->', i + 4);
        if (end === -1) fail('unterminated comment');
        rawRanges.push(i, end + 3);
        i = end + 3;
        continue;
      }
      if (body.startsWith('<![CDATA[', i)) {
        if (depth === 0) fail('text outside the root element');
        const end = body.indexOf(']]>', i + 9);
        if (end === -1) fail('unterminated CDATA section');
        rawRanges.push(i, end + 3);
        i = end + 3;
        continue;
      }
      const word = body.slice(i + 2, i + 9).toUpperCase();
      if (word.startsWith('DOCTYPE') || word.startsWith('ENTITY')) {
        fail('DOCTYPE and ENTITY declarations are not allowed');
      }
      fail('markup declarations are not allowed');
    }

    if (next === SLASH) {
      const end = body.indexOf('>', i + 2);
      if (end === -1) fail('unterminated tag');
      if (depth === 0) fail('unexpected closing tag');
      depth--;
      if (depth === 0) rootClosed = true;
      i = end + 1;
      continue;
    }

    // Start tag.
    const nEnd = nameEnd(body, i + 1);
    const nameLength = nEnd - (i + 1);
    if (nameLength === 0) fail('malformed tag');
    if (nameLength > L.maxNameLength) fail('element name too long');
    if (rootClosed) fail('more than one root element');
    rootOpened = true;
    if (++elements > L.maxElements) fail(`more than ${L.maxElements} elements`);
    if (nameLength === 3 && body.startsWith('app', i + 1) && ++apps > L.maxApps) {
      fail(`more than ${L.maxApps} <app> elements`);
    }
    if (depth + 1 > L.maxDepth) fail(`elements nested deeper than ${L.maxDepth}`);

    i = nEnd;
    const seen: string[] = [];
    for (;;) {
      const before = i;
      i = skipSpace(body, i);
      if (i >= n) fail('unterminated tag');
      const c = body.charCodeAt(i);
      if (c === GT) {
        depth++;
        i++;
        break;
      }
      if (c === SLASH) {
        if (body.charCodeAt(i + 1) !== GT) fail('malformed tag');
        if (depth === 0) rootClosed = true;
        i += 2;
        break;
      }
      if (i === before) fail('malformed tag'); // attributes must be separated by whitespace
      const aEnd = nameEnd(body, i);
      if (aEnd === i) fail('malformed tag');
      if (aEnd - i > L.maxNameLength) fail('attribute name too long');
      const attrName = body.slice(i, aEnd);
      if (seen.includes(attrName)) fail(`duplicate attribute ${attrName}`);
      seen.push(attrName);
      if (seen.length > L.maxAttributesPerElement) fail(`more than ${L.maxAttributesPerElement} attributes on one element`);
      i = skipSpace(body, aEnd);
      if (body.charCodeAt(i) !== EQ) fail('malformed attribute');
      i = skipSpace(body, i + 1);
      const quote = body.charCodeAt(i);
      if (quote !== DQUOTE && quote !== SQUOTE) fail('unquoted attribute value');
      const close = body.indexOf(quote === DQUOTE ? '"' : "'", i + 1);
      if (close === -1) fail('unterminated attribute value');
      if (close - (i + 1) > L.maxAttributeValue) {
        fail(`attribute value longer than ${L.maxAttributeValue} characters`);
      }
      const lessThan = body.indexOf('<', i + 1);
      if (lessThan !== -1 && lessThan < close) fail('"<" inside an attribute value');
      i = close + 1;
    }
  }

  if (!rootOpened) fail('no root element');
  if (depth !== 0 || !rootClosed) fail('unclosed element');
  checkReferences(body, rawRanges);
}

/**
 * Checks every reference outside comments and CDATA. The guard does not leave this to sax: a
 * reference to a lone surrogate would otherwise become an ill-formed string (older sax releases
 * resolve &#xD800; as is), and the store must never see one.
 */
function checkReferences(body: string, rawRanges: number[]): void {
  REFERENCE.lastIndex = 0;
  let r = 0; // matches come in order and ranges are sorted: one forward pass over both
  for (let m = REFERENCE.exec(body); m !== null; m = REFERENCE.exec(body)) {
    while (r < rawRanges.length && rawRanges[r + 1]! <= m.index) r += 2;
    if (r < rawRanges.length && m.index >= rawRanges[r]!) continue; // plain text there
    if (m[0] === '&') fail('unknown entity reference (only &amp; &lt; &gt; &quot; &apos; and &#N; are allowed)');
    const [ref, decimal, hex] = m;
    const code = decimal !== undefined ? Number.parseInt(decimal, 10) : hex !== undefined ? Number.parseInt(hex, 16) : undefined;
    if (code !== undefined && !isXmlChar(code)) fail(`character reference ${ref.slice(0, 16)} is not an XML character`);
  }
}
