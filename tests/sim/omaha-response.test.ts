// The simulator's fast path for answers: it reads them as protocol/omaha's client reader does
// (tests/omaha/client-response.test.ts) and reads a body it saw recently only once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCheckAnswer } from '../../client-sim/omaha-response.ts';
import { readCheckAnswer } from '../../protocol/omaha/client-response.ts';
import { vector } from '../helpers/vectors.ts';

const noupdate = (n: number) =>
  `<response protocol="3.0"><daystart elapsed_seconds="${n}"/><app appid="x" status="ok"><updatecheck status="noupdate"/></app></response>`;

describe('parseCheckAnswer', () => {
  it('answers as readCheckAnswer does, for accepted and rejected bodies', () => {
    const bodies = [
      vector('nebraska-response-with-sysext.xml'),
      vector('google-prod-response.xml'),
      noupdate(1),
      '',
      'Service Unavailable',
      '<html><body>hello</body></html>',
    ];
    for (const body of bodies) assert.deepEqual(parseCheckAnswer(body), readCheckAnswer(body), body.slice(0, 40));
  });

  it('reuses the answer to a body it read recently', () => {
    const body = noupdate(2);
    const first = parseCheckAnswer(body);
    assert.equal(parseCheckAnswer(body), first);
  });

  it('keeps only recent bodies', () => {
    const body = noupdate(3);
    const first = parseCheckAnswer(body);
    for (let i = 1000; i < 1100; i++) parseCheckAnswer(noupdate(i));
    const again = parseCheckAnswer(body);
    assert.notEqual(again, first, 'read again after 100 other bodies');
    assert.deepEqual(again, first);
  });
});
