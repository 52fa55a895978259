import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareHlc, parseHlc } from '@skyroll/protocol';
import { describe, expect, it } from 'vitest';
import { AgentState } from '../state/state.js';
import { tickDeviceClock } from './device-clock.js';
import { recordChange } from './record.js';

const DEVICE = '11111111-2222-4333-8444-555555555555';

function signedIn(dir = mkdtempSync(join(tmpdir(), 'skyroll-clock-'))): AgentState {
  const state = AgentState.open(dir);
  state.meta.setLogin({ server: 'http://127.0.0.1:1', token: 't', accountId: 'acct', deviceId: DEVICE, email: 'me@example.test' });
  return state;
}

describe('the device clock', () => {
  it('stamps with the device id as node and the wall time', () => {
    const state = signedIn();
    const hlc = tickDeviceClock(state, DEVICE, () => 1_700_000_000_000);
    expect(parseHlc(hlc)).toEqual({ wall: 1_700_000_000_000, counter: 0, node: DEVICE });
    state.close();
  });

  it('never issues an older (or equal) timestamp after a restart, even when the wall clock went back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyroll-clock-'));
    let state = signedIn(dir);
    const first = recordChange(state, { kind: 'asset', assetIds: ['a'], favorite: true }, () => 5_000_000).hlc;
    const second = recordChange(state, { kind: 'asset', assetIds: ['a'], favorite: false }, () => 5_000_000).hlc;
    expect(compareHlc(second, first)).toBeGreaterThan(0);
    state.close();

    // The agent restarts on a machine whose clock was set back by an hour.
    state = signedIn(dir);
    const third = recordChange(state, { kind: 'asset', assetIds: ['a'], favorite: true }, () => 5_000_000 - 3_600_000).hlc;
    expect(compareHlc(third, second)).toBeGreaterThan(0);
    expect(parseHlc(third)!.wall).toBeGreaterThanOrEqual(5_000_000);
    // Once the wall clock passes the last timestamp again, it follows the wall clock.
    const later = recordChange(state, { kind: 'asset', assetIds: ['a'], favorite: false }, () => 9_000_000).hlc;
    expect(parseHlc(later)).toMatchObject({ wall: 9_000_000, counter: 0 });
    state.close();
  });

  it('keeps the outbox in the order changes were made, each later than the one before', () => {
    const state = signedIn();
    let t = 1000;
    for (let i = 0; i < 20; i++) recordChange(state, { kind: 'asset', assetIds: [`a${i}`], hidden: i % 2 === 0 }, () => (i % 3 === 0 ? t : t++));
    const entries = state.outbox.all();
    expect(entries.map((e) => (e.change.kind === 'asset' ? e.change.assetIds[0] : ''))).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`));
    for (let i = 1; i < entries.length; i++) expect(compareHlc(entries[i].hlc, entries[i - 1].hlc)).toBeGreaterThan(0);
    state.close();
  });

  it('refuses to record a change on a device that is not signed in', () => {
    const state = AgentState.open(mkdtempSync(join(tmpdir(), 'skyroll-clock-')));
    expect(() => recordChange(state, { kind: 'album.delete', albumId: 'x' })).toThrow(/not signed in/);
    expect(state.outbox.count()).toBe(0);
    state.close();
  });
});
