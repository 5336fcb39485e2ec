// The one listing cursor codec both stores use (kernel/storage/cursor.ts): what encodeCursor
// writes comes back as it was; anything else, including another form of cursor, is a bad cursor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadCursorError, decodeCursor, encodeCursor } from '../../kernel/storage/cursor.ts';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('listing cursor', () => {
  it('round-trips any position, whatever the machine id', () => {
    for (const machineId of ['m1', '0f6e8c1c7a1e4c6f9a7b3f1e2d4c5b6a', 'a\nb', '{x}', '"quoted"', '\u00e9\u{1f600}', '\ud800']) {
      for (const lastCheck of [0, 1, 1_736_157_600_000, Number.MAX_SAFE_INTEGER]) {
        const cursor = encodeCursor({ lastCheck, machineId });
        assert.match(cursor, /^[A-Za-z0-9_-]+$/, 'URL-safe as it is');
        assert.deepStrictEqual(decodeCursor(cursor), { lastCheck, machineId });
      }
    }
  });

  it('refuses what encodeCursor never writes', () => {
    const bad = [
      '', 'garbage', '!!!', `${encodeCursor({ lastCheck: 5, machineId: 'm' })}=`, // not canonical base64url
      b64('5\nm1'), // the embedded store's former form
      b64('{"lastCheck":5,"machineId":"m"}'), b64('[5]'), b64('[5,"m",1]'), b64('[5,""]'), b64('["5","m"]'),
      b64('[1.5,"m"]'), b64(`[${2 ** 60},"m"]`), b64('[5,7]'), b64('null'),
    ];
    for (const cursor of bad) assert.throws(() => decodeCursor(cursor), BadCursorError, JSON.stringify(cursor));
  });
});
