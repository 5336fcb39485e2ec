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

// Character-level helpers. They stay beside the scanner on purpose: its hot loops call them, and
// under tsx a function imported from another module is reached through a getter on every call
// (measured: the guard ran about 25 % slower with these in a module of their own).
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

/** XML 1.0 Char: a numeric reference to anything else (&#0;, &#xD800;) is not well-formed XML. */
function isXmlChar(c: number): boolean {
  if (c < 0x20) return c === 0x9 || c === 0xa || c === 0xd;
  return c <= 0xd7ff || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

function fail(message: string): never {
  throw new OmahaInputError(message);
}

/**
 * Throws OmahaInputError when `body` is not something Platte is willing to hand to the XML parser.
 * Passing the guard does not make the body well-formed XML; the parser still decides that.
 */
export function guardOmahaXml(body: string): void {
  if (body.trim() === '') fail('empty body');
  if (FORBIDDEN_CHARS.test(body)) fail('body contains a control character');
  if (!isWellFormed(body)) fail('body contains a lone UTF-16 surrogate');
  const scan = new GuardScan(body);
  scan.run();
  checkReferences(body, scan.rawRanges);
}

/** One pass over the body: each turn checks the text up to the next `<`, then the markup there. */
class GuardScan {
  // Plain assignments in the constructor, not field initialisers: one GuardScan per request, and
  // initialisers (define semantics) made the whole guard measurably slower.
  private readonly body: string;
  private i: number;
  private depth: number;
  private elements: number;
  private apps: number;
  private rootOpened: boolean;
  private rootClosed: boolean;
  /** Anything seen before, so a later <?xml ...?> is misplaced. */
  private sawMarkup: boolean;
  /** [start, end) pairs of comments and CDATA, where '&' is plain text. */
  readonly rawRanges: number[];

  constructor(body: string) {
    this.body = body;
    this.i = body.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.depth = 0;
    this.elements = 0;
    this.apps = 0;
    this.rootOpened = false;
    this.rootClosed = false;
    this.sawMarkup = false;
    this.rawRanges = [];
  }

  run(): void {
    const body = this.body;
    const n = body.length;
    while (this.i < n) {
      const lt = body.indexOf('<', this.i);
      if (this.depth === 0) this.outsideText(lt === -1 ? n : lt);
      if (lt === -1) break;
      this.i = lt;
      this.markup(body.charCodeAt(lt + 1));
    }
    if (!this.rootOpened) fail('no root element');
    if (this.depth !== 0 || !this.rootClosed) fail('unclosed element');
  }

  /** Only whitespace may stand outside the root element. */
  private outsideText(end: number): void {
    const body = this.body;
    for (let k = this.i; k < end; k++) {
      if (!isSpace(body.charCodeAt(k))) fail('text outside the root element');
    }
  }

  /** The markup at `this.i` (a `<`); `next` is the character after it. */
  private markup(next: number): void {
    if (next === QMARK) return this.xmlDeclaration();
    this.sawMarkup = true;
    if (next === BANG) return this.commentOrDeclaration();
    if (next === SLASH) return this.endTag();
    this.startTag();
  }

  private xmlDeclaration(): void {
    const { body, i } = this;
    const end = body.indexOf('?>', i + 2);
    if (end === -1) fail('unterminated processing instruction');
    const target = body.slice(i + 2, nameEnd(body, i + 2));
    if (target.toLowerCase() !== 'xml') fail('processing instructions are not allowed');
    // Only whitespace can precede it: text before the root was checked already.
    if (this.sawMarkup) fail('XML declaration must come first');
    this.sawMarkup = true;
    this.i = end + 2;
  }

  /** `<!`: a comment or CDATA (kept as raw text), anything else is a declaration and refused. */
  private commentOrDeclaration(): void {
    const { body, i } = this;
    if (body.startsWith('<!--', i)) return this.rawSection(i + 4, '-->', 'unterminated comment');
    if (body.startsWith('<![CDATA[', i)) {
      if (this.depth === 0) fail('text outside the root element');
      return this.rawSection(i + 9, ']]>', 'unterminated CDATA section');
    }
    const word = body.slice(i + 2, i + 9).toUpperCase();
    if (word.startsWith('DOCTYPE') || word.startsWith('ENTITY')) {
      fail('DOCTYPE and ENTITY declarations are not allowed');
    }
    fail('markup declarations are not allowed');
  }

  private rawSection(from: number, terminator: string, unterminated: string): void {
    const end = this.body.indexOf(terminator, from);
    if (end === -1) fail(unterminated);
    this.rawRanges.push(this.i, end + terminator.length);
    this.i = end + terminator.length;
  }

  private endTag(): void {
    const end = this.body.indexOf('>', this.i + 2);
    if (end === -1) fail('unterminated tag');
    if (this.depth === 0) fail('unexpected closing tag');
    this.depth--;
    if (this.depth === 0) this.rootClosed = true;
    this.i = end + 1;
  }

  /** Counts the element against the limits, then reads its attributes up to `>` or `/>`. */
  private startTag(): void {
    const L = OMAHA_XML_LIMITS;
    const { body, i } = this;
    const nEnd = nameEnd(body, i + 1);
    const nameLength = nEnd - (i + 1);
    if (nameLength === 0) fail('malformed tag');
    if (nameLength > L.maxNameLength) fail('element name too long');
    if (this.rootClosed) fail('more than one root element');
    this.rootOpened = true;
    if (++this.elements > L.maxElements) fail(`more than ${L.maxElements} elements`);
    if (nameLength === 3 && body.startsWith('app', i + 1) && ++this.apps > L.maxApps) {
      fail(`more than ${L.maxApps} <app> elements`);
    }
    if (this.depth + 1 > L.maxDepth) fail(`elements nested deeper than ${L.maxDepth}`);
    this.i = nEnd;
    this.attributes();
  }

  /** Attributes up to `>` or `/>`: names unique and short, values quoted, bounded and free of `<`. */
  private attributes(): void {
    const L = OMAHA_XML_LIMITS;
    const body = this.body;
    const n = body.length;
    let i = this.i;
    const seen: string[] = [];
    for (;;) {
      const before = i;
      i = skipSpace(body, i);
      if (i >= n) fail('unterminated tag');
      const c = body.charCodeAt(i);
      if (c === GT) {
        this.depth++;
        this.i = i + 1;
        return;
      }
      if (c === SLASH) {
        if (body.charCodeAt(i + 1) !== GT) fail('malformed tag');
        if (this.depth === 0) this.rootClosed = true;
        this.i = i + 2;
        return;
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
      if (close - (i + 1) > L.maxAttributeValue) fail(`attribute value longer than ${L.maxAttributeValue} characters`);
      const lessThan = body.indexOf('<', i + 1);
      if (lessThan !== -1 && lessThan < close) fail('"<" inside an attribute value');
      i = close + 1;
    }
  }
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
