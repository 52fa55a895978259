import { describe, expect, it } from 'vitest';
import { SkyrollError } from '@skyroll/protocol';
import { toSkyrollError } from './errors.js';

const fastifyError = (code: string, statusCode: number) => Object.assign(new Error(code), { code, statusCode });

describe('toSkyrollError', () => {
  it.each([
    [new SkyrollError('QUOTA_EXCEEDED'), 'QUOTA_EXCEEDED', 507],
    [fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400), 'INVALID_JSON', 400],
    [fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400), 'INVALID_JSON', 400],
    [fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413), 'PAYLOAD_TOO_LARGE', 413],
    [Object.assign(new SyntaxError('Unexpected end'), { statusCode: 400 }), 'INVALID_JSON', 400],
    [fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), 'BAD_REQUEST', 400],
    [Object.assign(new Error('slow down'), { statusCode: 429 }), 'RATE_LIMITED', 429],
    [new Error('database is locked'), 'INTERNAL', 500],
    [new TypeError('x is undefined'), 'INTERNAL', 500],
    ['a string', 'INTERNAL', 500],
  ])('%s -> %s (%i)', (err, code, status) => {
    const mapped = toSkyrollError(err);
    expect(mapped.code).toBe(code);
    expect(mapped.status).toBe(status);
  });

  it('never leaks an internal message', () => {
    expect(toSkyrollError(new Error('secret path /data/x')).message).not.toContain('secret');
  });
});
