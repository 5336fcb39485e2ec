import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseOmahaRequest } from '../../protocol/omaha/parse.ts';
import { guardOmahaXml, OMAHA_XML_LIMITS, OmahaInputError } from '../../protocol/omaha/xml-guard.ts';
import { VECTORS_DIR } from '../helpers/vectors.ts';

const VECTORS = VECTORS_DIR;

function rejected(body: string, message: RegExp): void {
  assert.throws(
    () => guardOmahaXml(body),
    (err: unknown) => {
      assert.ok(err instanceof OmahaInputError, `expected OmahaInputError, got ${String(err)}`);
      assert.match(err.message, message);
      assert.ok(err.message.length < 120, 'message is short');
      return true;
    },
  );
}

const apps = (n: number): string => Array.from({ length: n }, (_, i) => `<app appid="a${i}"/>`).join('');
const nested = (depth: number): string => '<x>'.repeat(depth) + '</x>'.repeat(depth);

describe('guardOmahaXml: accepts', () => {
  for (const file of readdirSync(VECTORS).filter((f) => f.endsWith('.xml'))) {
    it(`the wire sample ${file}`, () => {
      guardOmahaXml(readFileSync(join(VECTORS, file), 'utf8'));
    });
  }

  const ok: Array<[string, string]> = [
    ['a BOM and whitespace around the document', '\uFEFF<?xml version="1.0"?>\n<request/>\n\n'],
    ['single-quoted attributes and > inside values', `<request a='x>"y' b = "1"/>`],
    ['comments, also containing & and <', '<!-- a & b <c> --><request><!-- & --></request><!-- end -->'],
    ['CDATA inside the root', '<request><![CDATA[ & < ]]></request>'],
    ['the XML entities and numeric references', '<request a="&amp;&lt;&gt;&quot;&apos;&#65;&#x41;"/>'],
    ['exactly the app limit', `<request>${apps(OMAHA_XML_LIMITS.maxApps)}</request>`],
    ['exactly the depth limit', `<request>${nested(OMAHA_XML_LIMITS.maxDepth - 1)}</request>`],
    ['an attribute value of exactly the length limit', `<request a="${'x'.repeat(OMAHA_XML_LIMITS.maxAttributeValue)}"/>`],
    ['tab, LF and CR', '<request\ta="1"\r\n b="\t"/>'],
    ['non-ASCII text and surrogate pairs', '<request a="é 😀 \uD83D\uDE80" b="ü"/>'],
    ['references to the edges of the XML character ranges', '<request a="&#9;&#xA;&#13;&#x20;&#xD7FF;&#xE000;&#xFFFD;&#x10000;&#x10FFFF;&#0065;"/>'],
    ['references that are not XML characters inside comments and CDATA', '<!-- &#xD800; --><request><![CDATA[&#0;]]></request>'],
  ];
  for (const [what, body] of ok) it(what, () => guardOmahaXml(body));
});

describe('guardOmahaXml: rejects', () => {
  const billionLaughs =
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' +
    ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n' +
    ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n<request a="&lol3;"/>';
  const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><request a="&x;"/>';

  const bad: Array<[string, string, RegExp]> = [
    ['an empty body', '', /empty/],
    ['a whitespace-only body', ' \n\t ', /empty/],
    ['billion laughs', billionLaughs, /DOCTYPE/],
    ['XXE', xxe, /DOCTYPE/],
    ['a bare DOCTYPE', '<!DOCTYPE request><request/>', /DOCTYPE/],
    ['an ENTITY declaration', '<!ENTITY x "y"><request/>', /DOCTYPE and ENTITY/],
    ['a lower-case doctype', '<!doctype request><request/>', /DOCTYPE/],
    ['other markup declarations', '<!ELEMENT request ANY><request/>', /declarations/],
    ['a processing instruction', '<?xml version="1.0"?><?xml-stylesheet href="x"?><request/>', /processing instructions/],
    ['a PI inside the root', '<request><?php echo 1 ?></request>', /processing instructions/],
    ['an XML declaration that is not first', '<request/><?xml version="1.0"?>', /must come first/],
    ['a second XML declaration', '<?xml version="1.0"?><?xml version="1.0"?><request/>', /must come first/],
    ['nesting deeper than the limit', `<request>${nested(OMAHA_XML_LIMITS.maxDepth)}</request>`, /nested deeper/],
    ['very deep nesting', nested(10_000), /nested deeper/],
    ['a huge attribute', `<request><app appid="${'x'.repeat(OMAHA_XML_LIMITS.maxAttributeValue + 1)}"/></request>`, /longer than/],
    ['too many apps', `<request>${apps(OMAHA_XML_LIMITS.maxApps + 1)}</request>`, /<app>/],
    ['too many elements', `<request>${'<e/>'.repeat(OMAHA_XML_LIMITS.maxElements)}</request>`, /elements/],
    ['too many attributes', `<request ${Array.from({ length: 65 }, (_, i) => `a${i}="1"`).join(' ')}/>`, /attributes/],
    ['a duplicate attribute', '<request a="1" a="2"/>', /duplicate attribute a/],
    ['< inside an attribute value', '<request a="x<y"/>', /inside an attribute/],
    ['an unquoted attribute value', '<request a=1/>', /unquoted/],
    ['attributes without whitespace between them', '<request a="1"b="2"/>', /malformed/],
    ['an attribute without value', '<request a/>', /malformed/],
    ['an unterminated attribute value', '<request a="1/>', /unterminated/],
    ['an unterminated tag', '<request', /unterminated tag/],
    ['an unterminated comment', '<request/><!-- x', /unterminated comment/],
    ['an empty tag name', '< request/>', /malformed/],
    ['two root elements', '<request/><request/>', /more than one root/],
    ['text before the root', 'x<request/>', /text outside/],
    ['text after the root', '<request/>trailing', /text outside/],
    ['CDATA outside the root', '<![CDATA[x]]><request/>', /text outside/],
    ['a closing tag without opening', '</request>', /unexpected closing/],
    ['an unclosed root', '<request><app>', /unclosed/],
    ['plain garbage', 'definitely not xml', /text outside/],
    ['JSON', '{"request": {}}', /text outside/],
    ['binary', '\x00\x01\x02<request/>', /control character/],
    ['a raw control character in an attribute', '<request a="a\x07b"/>', /control character/],
    ['U+FFFF', '<request a="\uFFFF"/>', /control character/],
    ['an HTML entity', '<request a="&nbsp;"/>', /unknown entity/],
    ['a raw lone high surrogate', '<request a="x\uD800"/>', /lone UTF-16 surrogate/],
    ['a raw lone low surrogate, in text', '<request>\uDC00</request>', /lone UTF-16 surrogate/],
    ['a reference to a lone surrogate (hex)', '<request a="&#xD800;"/>', /&#xD800; is not an XML character/],
    ['a reference to a lone surrogate (lower-case hex)', '<request a="&#xdfff;"/>', /&#xdfff; is not an XML character/],
    ['a reference to a lone surrogate (decimal)', '<request a="&#55296;"/>', /&#55296; is not an XML character/],
    ['a surrogate pair spelled as two references', '<request a="&#xD83D;&#xDE00;"/>', /not an XML character/],
    ['a reference to NUL', '<request a="&#0;"/>', /&#0; is not an XML character/],
    ['a reference to a control character, in text', '<request>&#x1B;</request>', /not an XML character/],
    ['a reference to U+FFFE', '<request a="&#xFFFE;"/>', /not an XML character/],
    ['a reference past U+10FFFF', '<request a="&#x110000;"/>', /not an XML character/],
    ['a reference with a huge number', `<request a="&#${'9'.repeat(400)};"/>`, /not an XML character/],
    ['a bare ampersand', '<request a="a & b"/>', /unknown entity/],
    ['a comment-only document', '<!-- nothing -->', /no root/],
  ];
  for (const [what, body, message] of bad) it(what, () => rejected(body, message));

  it('rejects deep nesting before the parser ever sees it (parse path)', async () => {
    await assert.rejects(parseOmahaRequest(`<request>${nested(50_000)}</request>`), OmahaInputError);
  });
});

describe('guardOmahaXml: comment ranges', () => {
  it('accepts many comments containing & (ranges are skipped in one pass)', () => {
    guardOmahaXml(`<request a="${'&amp;'.repeat(100)}">${'<!-- & -->'.repeat(6000)}</request>`);
  });
});
