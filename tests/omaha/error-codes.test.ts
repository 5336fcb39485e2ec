import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeErrorCode,
  ERROR_FLAG_MASK,
  ErrorCode,
  errorCodeName,
  errorFlags,
  httpResponseErrorCode,
  httpStatusOfErrorCode,
  stripErrorFlags,
  withErrorFlags,
} from '../../protocol/omaha/error-codes.ts';
import { describeEvent, EventResult, EventType, eventResultName, eventTypeName } from '../../protocol/omaha/events.ts';

describe('stripErrorFlags', () => {
  const cases: Array<[number, number]> = [
    [0, 0],
    [34, 34],
    [268435490, 34], // 1<<28 | 34, what a self-hosted server sees (omaha.md)
    [268435466, 10],
    [268437959, 2503], // 1<<28 | 2000+503
    [0x30000000 + 9, 9], // test image + test Omaha URL
    [0x40000000 + 10, 10], // resumed
    [0xf0000000 + 44, 44], // every flag, unsigned reading
    [-2147483648 + 34, 34], // 1<<31 printed with %d: negative
    [-(2 ** 31) + 0x10000000 + 11, 11],
  ];
  for (const [raw, code] of cases) {
    it(`${raw} → ${code}`, () => assert.equal(stripErrorFlags(raw), code));
  }

  it('leaves values that are not 32-bit integers alone', () => {
    assert.ok(Number.isNaN(stripErrorFlags(NaN)));
    assert.equal(stripErrorFlags(1.5), 1.5);
    assert.equal(stripErrorFlags(2 ** 40), 2 ** 40);
    assert.equal(stripErrorFlags(-(2 ** 31) - 1), -(2 ** 31) - 1);
  });

  it('is idempotent and never keeps a flag bit', () => {
    for (let code = -(2 ** 31); code < 2 ** 32; code += 0x07ffffff) {
      const s = stripErrorFlags(code);
      assert.equal(stripErrorFlags(s), s);
      assert.equal((s & ERROR_FLAG_MASK) >>> 0, 0);
      assert.ok(s >= 0);
    }
  });
});

describe('errorFlags', () => {
  it('names the flags, highest bit first', () => {
    assert.deepEqual(errorFlags(268435490), ['test-omaha-url']);
    assert.deepEqual(errorFlags(0xf0000000), ['dev-mode', 'resumed', 'test-image', 'test-omaha-url']);
    assert.deepEqual(errorFlags(-2147483648 + 0x10000000), ['dev-mode', 'test-omaha-url']);
    assert.deepEqual(errorFlags(34), []);
    assert.deepEqual(errorFlags(NaN), []);
  });
});

describe('errorCodeName', () => {
  const names: Array<[number, string]> = [
    [ErrorCode.Success, 'success'],
    [ErrorCode.Error, 'error'],
    [2, 'omaha-request-error'],
    [ErrorCode.DownloadTransferError, 'download-transfer-error'],
    [ErrorCode.PayloadHashMismatchError, 'payload-hash-mismatch-error'],
    [ErrorCode.PayloadSizeMismatchError, 'payload-size-mismatch-error'],
    [20, 'download-state-initialization-error'],
    [30, 'omaha-request-empty-response-error'],
    [ErrorCode.OmahaRequestXmlParseError, 'omaha-request-xml-parse-error'],
    [ErrorCode.OmahaResponseInvalid, 'omaha-response-invalid'],
    [ErrorCode.OmahaErrorInHttpResponse, 'omaha-error-in-http-response'],
    [ErrorCode.OmahaUpdateDeferredForBackoff, 'omaha-update-deferred-for-backoff'],
    [43, 'new-pcr-policy-http-error'],
    [ErrorCode.RollbackError, 'rollback-error'],
    [ErrorCode.DownloadIncomplete, 'download-incomplete'],
    [2000, 'omaha-request-http-response-0'],
    [2503, 'omaha-request-http-response-503'],
    [2999, 'omaha-request-http-response-999'],
    [45, 'unknown-45'],
    [1999, 'unknown-1999'],
    [3000, 'unknown-3000'],
    [NaN, 'unknown'],
  ];
  for (const [code, name] of names) {
    it(`${code} → ${name}`, () => assert.equal(errorCodeName(code), name));
  }

  it('strips flags itself', () => {
    assert.equal(errorCodeName(268435490), 'omaha-response-invalid');
    assert.equal(errorCodeName(268437959), 'omaha-request-http-response-503');
    assert.equal(errorCodeName(-2147483648 + 44), 'rollback-error');
  });

  it('names every code 0–44', () => {
    for (let c = 0; c <= 44; c++) assert.doesNotMatch(errorCodeName(c), /^unknown/, `code ${c}`);
  });

  it("spells update_engine's names from the one table", () => {
    assert.deepEqual(
      Array.from({ length: 45 }, (_, c) => errorCodeName(c)),
      [
        'success', 'error', 'omaha-request-error', 'omaha-response-handler-error', 'filesystem-copier-error',
        'postinstall-runner-error', 'set-bootable-flag-error', 'install-device-open-error', 'kernel-device-open-error',
        'download-transfer-error', 'payload-hash-mismatch-error', 'payload-size-mismatch-error',
        'download-payload-verification-error', 'download-new-partition-info-error', 'download-write-error',
        'new-rootfs-verification-error', 'new-kernel-verification-error', 'signed-delta-payload-expected-error',
        'download-payload-pubkey-verification-error', 'postinstall-booted-from-firmware-b',
        'download-state-initialization-error', 'download-invalid-metadata-magic-string',
        'download-signature-missing-in-manifest', 'download-manifest-parse-error', 'download-metadata-signature-error',
        'download-metadata-signature-verification-error', 'download-metadata-signature-mismatch',
        'download-operation-hash-verification-error', 'download-operation-execution-error',
        'download-operation-hash-mismatch', 'omaha-request-empty-response-error', 'omaha-request-xml-parse-error',
        'download-invalid-metadata-size', 'download-invalid-metadata-signature', 'omaha-response-invalid',
        'omaha-update-ignored-per-policy', 'omaha-update-deferred-per-policy', 'omaha-error-in-http-response',
        'download-operation-hash-missing-error', 'download-metadata-signature-missing-error',
        'omaha-update-deferred-for-backoff', 'postinstall-powerwash-error', 'new-pcr-policy-verification-error',
        'new-pcr-policy-http-error', 'rollback-error',
      ],
    );
  });
});

describe('codes as a client sends them', () => {
  it('sets flags as update_engine prints them (%d: negative with the dev-mode flag)', () => {
    assert.equal(withErrorFlags(34, 'test-omaha-url'), 268435490);
    assert.equal(withErrorFlags(ErrorCode.DownloadTransferError, 'test-omaha-url'), 268435456 + 9);
    assert.equal(withErrorFlags(34, 'dev-mode', 'test-omaha-url'), -2147483648 + 268435456 + 34);
    assert.equal(withErrorFlags(44), 44);
    assert.equal(stripErrorFlags(withErrorFlags(10, 'dev-mode', 'resumed', 'test-image', 'test-omaha-url')), 10);
  });

  it('reports an HTTP exchange as 2000 + status, clamped to 0..999', () => {
    assert.equal(httpResponseErrorCode(0), 2000);
    assert.equal(httpResponseErrorCode(503), 2503);
    assert.equal(httpResponseErrorCode(1234), 2999);
    assert.equal(httpResponseErrorCode(-1), 2000);
  });

  it('reads the status back out of a 2000-range code, flags stripped', () => {
    assert.equal(httpStatusOfErrorCode(2503), 503);
    assert.equal(httpStatusOfErrorCode(268437959), 503);
    assert.equal(httpStatusOfErrorCode(2000), 0);
    assert.equal(httpStatusOfErrorCode(1999), null);
    assert.equal(httpStatusOfErrorCode(3000), null);
    assert.equal(httpStatusOfErrorCode(34), null);
    assert.equal(httpStatusOfErrorCode(NaN), null);
  });
});

describe('describeErrorCode', () => {
  it('gives number, name and flags', () => {
    assert.equal(describeErrorCode(268435466), '10 payload-hash-mismatch-error (test-omaha-url)');
    assert.equal(describeErrorCode(9), '9 download-transfer-error');
  });
});

describe('events', () => {
  it('names types and results, unknown ones by number', () => {
    assert.equal(eventTypeName(EventType.UpdateDownloadStarted), 'update download started');
    assert.equal(eventTypeName(EventType.InstalledHeld), 'installed, completion held');
    assert.equal(eventTypeName(999), 'event type 999');
    assert.equal(eventResultName(EventResult.NoUpdate), 'no update');
    assert.equal(eventResultName(77), 'result 77');
  });

  const described: Array<[Parameters<typeof describeEvent>[0], string]> = [
    [{ eventType: 3, eventResult: 2, previousVersion: '' }, 'check-in'],
    [{ eventType: 3, eventResult: 2 }, 'check-in'],
    [{ eventType: 3, eventResult: 2, previousVersion: '0.0.0.0' }, 'check-in (no previous version recorded)'],
    [{ eventType: 3, eventResult: 2, previousVersion: '3510.2.0' }, 'running after update from 3510.2.0'],
    [{ eventType: 13, eventResult: 1 }, 'download started'],
    [{ eventType: 14, eventResult: 1 }, 'download finished'],
    [{ eventType: 3, eventResult: 1 }, 'installed, waiting for reboot'],
    [{ eventType: 800, eventResult: 1 }, 'installed, completion held'],
    [
      { eventType: 3, eventResult: 0, errorCode: 268435466 },
      'update failed: 10 payload-hash-mismatch-error (test-omaha-url)',
    ],
    [{ eventType: 3, eventResult: 0 }, 'update failed'],
    [{ eventType: 13, eventResult: 0, errorCode: 9 }, 'update download started: error: 9 download-transfer-error'],
    [
      { eventType: 3, eventResult: 9, errorCode: 268435496 },
      'update deferred: 40 omaha-update-deferred-for-backoff (test-omaha-url)',
    ],
    [{ eventType: 3, eventResult: 4 }, 'update complete: cancelled'],
    [{ eventType: 42, eventResult: 7 }, 'event type 42: no update'],
  ];
  for (const [ev, text] of described) {
    it(`${ev.eventType}/${ev.eventResult} → ${text}`, () => assert.equal(describeEvent(ev), text));
  }
});
