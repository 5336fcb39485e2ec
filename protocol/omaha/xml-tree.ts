// Omaha XML → an xml2js tree, and the few ways both sides walk it. The server reads requests with it
// (parse.ts), a client reads answers with it (client-response.ts): one parser configuration for both.
import xml2js from 'xml2js';

// Every option spelled out, so an xml2js default changing cannot change what we accept.
const PARSER_OPTIONS: xml2js.ParserOptions = {
  strict: true, // sax strict mode; it still resolves HTML names like &nbsp;, which the guard refuses
  async: false,
  explicitRoot: true,
  explicitArray: true,
  attrkey: '$',
  charkey: '_',
  explicitCharkey: false,
  mergeAttrs: false,
  ignoreAttrs: false,
  trim: false,
  normalize: false,
  normalizeTags: false,
  xmlns: false,
  explicitChildren: false,
  includeWhiteChars: false,
  emptyTag: '',
};

/**
 * One parser for the process, reused: with async:false xml2js parses synchronously, so calls never
 * overlap, and reuse skips building a Parser per document (about 1.5x faster than parseStringPromise).
 */
const parser = new xml2js.Parser(PARSER_OPTIONS);

/**
 * The document as `{ rootName: rootNode }` (null for a document without a root). Throws what the
 * parser throws for text that is not well-formed XML.
 */
export function parseXmlTree(body: string): unknown {
  parser.reset();
  let result: unknown;
  let failure: unknown;
  let done = false;
  parser.parseString(body, (err: unknown, doc: unknown) => {
    done = true;
    failure = err;
    result = doc;
  });
  if (failure) throw failure;
  if (!done) throw new Error('XML parser did not finish');
  return result;
}

export type Attrs = Record<string, string>;
export interface Element {
  attrs: Attrs;
  node: Record<string, unknown>;
}

export const NO_ATTRS: Attrs = Object.freeze({}) as Attrs;

/** Child elements called `name`; xml2js gives '' or a string for elements without attributes. */
export function children(node: Record<string, unknown>, name: string): Element[] {
  const list = Object.hasOwn(node, name) ? node[name] : undefined;
  if (!Array.isArray(list)) return [];
  return list.map(toElement);
}

export function toElement(value: unknown): Element {
  if (value === null || typeof value !== 'object') return { attrs: NO_ATTRS, node: {} };
  const node = value as Record<string, unknown>;
  const raw = Object.hasOwn(node, '$') ? node['$'] : undefined;
  const attrs = raw !== null && typeof raw === 'object' ? (raw as Attrs) : NO_ATTRS;
  return { attrs, node };
}

/** The root element when it is called `name` (the root is not wrapped in an array), else undefined. */
export function rootElement(doc: unknown, name: string): Element | undefined {
  if (doc === null || typeof doc !== 'object' || !Object.hasOwn(doc, name)) return undefined;
  return toElement((doc as Record<string, unknown>)[name]);
}

/** Every element reached by following `path` from `roots`, over all matches (XPath `a/b/c`). */
export function select(roots: Element[], path: readonly string[]): Element[] {
  let level = roots;
  for (const name of path) level = level.flatMap((el) => children(el.node, name));
  return level;
}

/** An attribute as sent; '' when absent. */
export function attr(attrs: Attrs, name: string): string {
  return Object.hasOwn(attrs, name) ? String(attrs[name]) : '';
}
