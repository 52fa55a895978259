import { PROTOCOL_MAX, PROTOCOL_MIN } from '@skyroll/protocol';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadProtocolRange } from './config.js';

describe('SKYROLL_PROTOCOL_MIN', () => {
  it('defaults to every protocol this build speaks', () => {
    expect(loadProtocolRange({})).toEqual({ min: PROTOCOL_MIN, max: PROTOCOL_MAX });
    expect(loadProtocolRange({ SKYROLL_PROTOCOL_MIN: '' })).toEqual({ min: PROTOCOL_MIN, max: PROTOCOL_MAX });
    expect(loadConfig({ dataDir: '/tmp/skyroll-config-spec' }, {}).protocol).toEqual({ min: PROTOCOL_MIN, max: PROTOCOL_MAX });
  });

  it('narrows the range to refuse older agents', () => {
    expect(loadProtocolRange({ SKYROLL_PROTOCOL_MIN: String(PROTOCOL_MAX) })).toEqual({ min: PROTOCOL_MAX, max: PROTOCOL_MAX });
  });

  it('refuses to start on a value outside [PROTOCOL_MIN, PROTOCOL_MAX] or not an integer, saying why', () => {
    for (const value of [String(PROTOCOL_MIN - 1), String(PROTOCOL_MAX + 1), '1.5', 'one']) {
      expect(() => loadConfig({ dataDir: '/tmp/skyroll-config-spec' }, { SKYROLL_PROTOCOL_MIN: value })).toThrow(
        `SKYROLL_PROTOCOL_MIN=${value}: this server (Skyroll`,
      );
    }
    expect(() => loadProtocolRange({ SKYROLL_PROTOCOL_MIN: '0' })).toThrow(`speaks protocols ${PROTOCOL_MIN} to ${PROTOCOL_MAX}`);
  });
});
