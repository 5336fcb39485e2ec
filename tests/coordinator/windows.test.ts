// Reboot windows: parsing (Platte and locksmith forms), open/closed, next opening, DST and zones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMinutes, parseMinutes } from '../../kernel/duration.ts';
import { describeWindow, localText, parseDays, parseLocksmithWindow, parseWindow, WindowError } from '../../kernel/time/window-parse.ts';
import { currentClosing, isOpen, nextOpening } from '../../kernel/time/windows.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

describe('durations', () => {
  it('reads locksmith / Go style lengths and minutes', () => {
    assert.equal(parseMinutes('1h'), 60);
    assert.equal(parseMinutes('1h30m'), 90);
    assert.equal(parseMinutes('90m'), 90);
    assert.equal(parseMinutes('2d'), 2880);
    assert.equal(parseMinutes('1h30m0s'), 90);
    assert.equal(parseMinutes(' 45 '), 45);
    assert.equal(parseMinutes(45), 45);
    for (const bad of ['', '0m', 'h', '1x', '1.5h', '-1h', 'soon', 0, -5, 1.5]) assert.equal(parseMinutes(bad), null, String(bad));
  });
  it('writes them back', () => {
    assert.equal(formatMinutes(90), '1h30m');
    assert.equal(formatMinutes(45), '45m');
    assert.equal(formatMinutes(1440), '24h');
  });
});

describe('parsing windows', () => {
  it('locksmith form: "Thu 04:00" + "1h", and a bare time means every day', () => {
    assert.deepStrictEqual(parseLocksmithWindow('Thu 04:00', '1h'), { days: [4], startMinute: 240, lengthMinutes: 60, zone: 'UTC' });
    assert.deepStrictEqual(parseLocksmithWindow('04:00', '1h30m', 'Europe/Berlin'), { days: [], startMinute: 240, lengthMinutes: 90, zone: 'Europe/Berlin' });
    assert.deepStrictEqual(parseLocksmithWindow('thursday 4:05', '5m').days, [4]);
  });
  it('days: ranges (also across the week end), lists, full names, every day', () => {
    assert.deepStrictEqual(parseDays('Mon-Fri'), [1, 2, 3, 4, 5]);
    assert.deepStrictEqual(parseDays('Fri-Mon'), [0, 1, 5, 6]);
    assert.deepStrictEqual(parseDays(['sat', 'Sunday']), [0, 6]);
    assert.deepStrictEqual(parseDays('mon,wed'), [1, 3]);
    assert.deepStrictEqual(parseDays('*'), []);
    assert.deepStrictEqual(parseDays('Mon-Sun'), [], 'all seven days = every day');
    assert.throws(() => parseDays('Funday'), WindowError);
  });
  it('refuses what it cannot read, saying why', () => {
    assert.throws(() => parseWindow({ start: '24:00', length: '1h' }), /time out of range/);
    assert.throws(() => parseWindow({ start: '4am', length: '1h' }), /bad start/);
    assert.throws(() => parseWindow({ start: '04:00', length: '1h', zone: 'Europe/Atlantis' }), /unknown time zone/);
    assert.throws(() => parseWindow({ start: 'Thu 04:00', length: '1h', days: 'Fri' }), /not both/);
    assert.throws(() => parseWindow({ start: '04:00', length: '7d1m' }), /at most 7 days/);
  });
  it('describes a window in one line', () => {
    assert.equal(describeWindow(parseWindow({ days: 'Mon-Fri', start: '22:30', length: '4h', zone: 'Asia/Tokyo' })).text, 'Mon,Tue,Wed,Thu,Fri 22:30 for 4h (Asia/Tokyo)');
    assert.equal(describeWindow(parseWindow({ start: '03:00', length: 30 })).text, 'daily 03:00 for 30m (UTC)');
  });
});

describe('open, closed, next opening', () => {
  const thuBerlin = parseWindow({ start: 'Thu 04:00', length: '1h', zone: 'Europe/Berlin' });

  it('no windows: always open, no next opening', () => {
    assert.equal(isOpen([], at('2025-01-01T00:00:00Z')), true);
    assert.equal(nextOpening([], at('2025-01-01T00:00:00Z')), null);
  });

  it('a weekly window in a zone with DST, winter and summer', () => {
    // Winter: 04:00 Berlin = 03:00 UTC. Summer: 02:00 UTC.
    assert.equal(isOpen([thuBerlin], at('2025-01-09T02:59:59Z')), false);
    assert.equal(isOpen([thuBerlin], at('2025-01-09T03:00:00Z')), true);
    assert.equal(isOpen([thuBerlin], at('2025-01-09T03:59:59Z')), true);
    assert.equal(isOpen([thuBerlin], at('2025-01-09T04:00:00Z')), false);
    assert.equal(isOpen([thuBerlin], at('2025-07-10T02:30:00Z')), true);
    assert.equal(isOpen([thuBerlin], at('2025-07-10T03:30:00Z')), false);
    assert.equal(iso(nextOpening([thuBerlin], at('2025-01-06T10:00:00Z'))), '2025-01-09T03:00:00.000Z');
    assert.equal(iso(nextOpening([thuBerlin], at('2025-07-10T02:30:00Z'))), '2025-07-17T02:00:00.000Z');
    // The week DST starts (Sunday 30 March 2025): the Thursday after opens at 02:00 UTC.
    assert.equal(iso(nextOpening([thuBerlin], at('2025-03-28T00:00:00Z'))), '2025-04-03T02:00:00.000Z');
    assert.equal(iso(currentClosing([thuBerlin], at('2025-01-09T03:10:00Z'))), '2025-01-09T04:00:00.000Z');
  });

  it('a window across midnight and the week end (Sun 23:00 for 2h)', () => {
    const w = parseWindow({ start: 'Sun 23:00', length: '2h' });
    assert.equal(isOpen([w], at('2025-01-12T23:30:00Z')), true);
    assert.equal(isOpen([w], at('2025-01-13T00:59:00Z')), true, 'Monday 00:59 is still inside');
    assert.equal(isOpen([w], at('2025-01-13T01:00:00Z')), false);
  });

  it('a local time skipped by DST opens right after the gap', () => {
    const w = parseWindow({ days: 'Sun', start: '02:30', length: '1h', zone: 'Europe/Berlin' });
    // 2025-03-30 02:30 does not exist in Berlin; the window opens at 03:30 CEST = 01:30 UTC.
    assert.equal(iso(nextOpening([w], at('2025-03-29T12:00:00Z'))), '2025-03-30T01:30:00.000Z');
  });

  it('several windows in different zones: the earliest opening wins', () => {
    const ny = parseWindow({ days: 'Sat-Sun', start: '22:00', length: '4h', zone: 'America/New_York' });
    const tokyo = parseWindow({ days: 'Mon-Fri', start: '03:00', length: '1h', zone: 'Asia/Tokyo' });
    const t = at('2025-01-10T12:00:00Z'); // Friday
    assert.equal(iso(nextOpening([ny, tokyo], t)), '2025-01-12T03:00:00.000Z', 'Sat 22:00 New York');
    assert.equal(isOpen([ny, tokyo], at('2025-01-12T05:00:00Z')), true);
    assert.equal(isOpen([ny, tokyo], at('2025-01-12T18:30:00Z')), true, 'Mon 03:30 Tokyo');
    assert.equal(localText(at('2025-01-12T03:00:00Z'), 'America/New_York'), 'Sat 2025-01-11 22:00 America/New_York');
  });

  it('a daily window: next opening is tomorrow once today’s has passed', () => {
    const w = parseWindow({ start: '04:00', length: '1h', zone: 'UTC' });
    assert.equal(iso(nextOpening([w], at('2025-01-06T05:00:00Z'))), '2025-01-07T04:00:00.000Z');
    assert.equal(iso(nextOpening([w], at('2025-01-06T03:00:00Z'))), '2025-01-06T04:00:00.000Z');
  });
});
