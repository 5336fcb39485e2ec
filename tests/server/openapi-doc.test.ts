// docs/openapi.json is generated from the route table; this keeps the committed copy current.
// Regenerate with: node bin/platte.js openapi > docs/openapi.json
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { it } from 'node:test';
import { openApiDocument } from '../../kernel/http/openapi.ts';
import { DOCUMENTED_ROUTES } from '../../platte/openapi.ts';

it('docs/openapi.json matches the routes', () => {
  const committed = JSON.parse(fs.readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
  assert.deepEqual(committed, JSON.parse(JSON.stringify(openApiDocument(DOCUMENTED_ROUTES))), 'regenerate: node bin/platte.js openapi > docs/openapi.json');
});
