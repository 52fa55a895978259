import { SkyrollError, type ErrorCode } from '@skyroll/protocol';
import { describe, expect, it } from 'vitest';
import { OfflineError, errorFromBody } from '../transfer/api-client.js';
import { failureOf } from './failure.js';

describe('failureOf', () => {
  it.each<[ErrorCode, string, string | null, boolean]>([
    ['QUOTA_EXCEEDED', 'blocked', 'cloud-storage', false],
    ['UPDATE_REQUIRED', 'blocked', 'version', false],
    ['UNAUTHORIZED', 'blocked', 'account', false],
    ['CORRUPT_MEDIA', 'failed', 'agent', true],
    ['UNSUPPORTED_MEDIA', 'failed', 'agent', true],
    ['EMPTY_FILE', 'failed', 'agent', true],
    ['NOT_FOUND', 'failed', 'agent', false],
    ['CHECKSUM_MISMATCH', 'pending', null, false],
    ['UPLOAD_LOCKED', 'pending', null, false],
  ])('%s -> %s (%s), permanent %s', (code, state, reason, permanent) => {
    const failure = failureOf(new SkyrollError(code));
    expect(failure).toMatchObject({ state, reason });
    expect(Boolean(failure.permanent)).toBe(permanent);
  });

  it('an unreachable server is a connection block', () => {
    expect(failureOf(new OfflineError('http://x', new Error('ECONNREFUSED')))).toMatchObject({ state: 'blocked', reason: 'connection', offline: true });
  });

  it.each([
    [{ usedBytes: 5 * 2 ** 30, quotaBytes: 5 * 2 ** 30, neededBytes: 3 * 2 ** 20, freeBytes: 0, suggestedPlan: '50gb' }, /free 3\.0 MB .*move to the 50gb plan/],
    [{ usedBytes: 100, quotaBytes: 1000, neededBytes: 1500, freeBytes: 900, suggestedPlan: null }, /needs 1\.5 KB; free 600 B \(`skyroll trash empty`\); retried/],
  ])('a 507 says how much to free and which plan fits (%#)', (details, text) => {
    const failure = failureOf(new SkyrollError('QUOTA_EXCEEDED', undefined, details));
    expect(failure).toMatchObject({ state: 'blocked', reason: 'cloud-storage' });
    expect(failure.detail).toMatch(text);
  });

  it('a 423 from the server reads as UPLOAD_LOCKED, with or without a body', () => {
    expect(errorFromBody(423, '').code).toBe('UPLOAD_LOCKED');
    expect(errorFromBody(423, JSON.stringify(new SkyrollError('UPLOAD_LOCKED').toBody())).code).toBe('UPLOAD_LOCKED');
  });

  it('a full disk is a device-storage block', () => {
    expect(failureOf(Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toMatchObject({ state: 'blocked', reason: 'device-storage' });
  });
});
