import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SkyrollError, type Asset } from '@skyroll/protocol';
import { describe, expect, it } from 'vitest';
import { AgentState } from '../state/state.js';
import { AgentLog } from '../sync/agent-log.js';
import { albumFixture, assetFixture } from '../testing/fixtures.js';
import { OfflineError, type ApiClient } from '../transfer/api-client.js';
import { deliverOutbox } from './delivery.js';
import { recordChange } from './record.js';

const A1 = assetFixture(1).id;
const A2 = assetFixture(2).id;
const A3 = assetFixture(3).id;

interface Call {
  route: string;
  ids: string[];
  hlc: string;
}

/** A server that answers from a script: `fail(call)` returns an error to throw, or nothing. */
function fakeServer(fail: (call: Call) => Error | undefined = () => undefined) {
  const calls: Call[] = [];
  const names = new Map<string, string>();
  const answer = (call: Call): void => {
    const err = fail(call);
    if (err) throw err;
    calls.push(call);
  };
  const assets = (ids: string[], patch: Partial<Asset>): Asset[] => ids.map((id) => assetFixture(Number(id.slice(-1)), { ...patch, id, updatedAt: 7 }));
  const api = {
    async updateMetadata(ids: string[], patch: { favorite?: boolean; hidden?: boolean; hlc?: string }) {
      answer({ route: 'metadata', ids, hlc: patch.hlc! });
      return { assets: assets(ids, { favorite: patch.favorite ?? false, hidden: patch.hidden ?? false }) };
    },
    async createAlbum(id: string, name: string, hlc: string) {
      answer({ route: 'album.create', ids: [id], hlc });
      names.set(id, name);
      return { album: albumFixture(1, { id, name, updatedAt: 7 }) };
    },
    async addToAlbum(id: string, ids: string[], hlc: string) {
      answer({ route: 'album.add', ids, hlc });
      return { album: albumFixture(1, { id, name: names.get(id), updatedAt: 7 }), assets: assets(ids, { albumIds: [id] }) };
    },
  };
  return { api: api as unknown as ApiClient, calls };
}

function signedIn(): AgentState {
  const state = AgentState.open(mkdtempSync(join(tmpdir(), 'skyroll-outbox-')));
  state.meta.setLogin({ server: 'http://127.0.0.1:1', token: 't', accountId: 'acct', deviceId: 'device-a', email: 'me@example.test' });
  return state;
}

const logOf = (state: AgentState) => new AgentLog(state.logPath);
const logged = (state: AgentState) => readFileSync(state.logPath, 'utf8');
const ALBUM = albumFixture(1).id;

describe('deliverOutbox', () => {
  it('sends changes in the order they were made, with their own timestamps, and keeps the answers', async () => {
    const state = signedIn();
    const made = [
      recordChange(state, { kind: 'album.create', albumId: ALBUM, name: 'Lisbon' }),
      recordChange(state, { kind: 'album.add', albumId: ALBUM, assetIds: [A1] }),
      recordChange(state, { kind: 'asset', assetIds: [A1, A2], favorite: true }),
    ];
    const { api, calls } = fakeServer();
    const result = await deliverOutbox(api, state, logOf(state), { owner: 'test' });
    expect(calls.map((c) => [c.route, c.hlc])).toEqual([
      ['album.create', made[0].hlc],
      ['album.add', made[1].hlc],
      ['metadata', made[2].hlc],
    ]);
    expect([...result.outcomes.values()].map((o) => o.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(state.outbox.count()).toBe(0);
    expect(state.albums.get(ALBUM)?.name).toBe('Lisbon');
    expect(state.remote.metadata().filter((a) => a.favorite).map((a) => a.id).sort()).toEqual([A1, A2]);
    expect(state.meta.outboxLease()).toBeUndefined();
    state.close();
  });

  it('an unreachable server holds the head (and everything behind it) with a growing backoff', async () => {
    const state = signedIn();
    const first = recordChange(state, { kind: 'asset', assetIds: [A1], favorite: true });
    recordChange(state, { kind: 'asset', assetIds: [A2], hidden: true });
    let down = true;
    const { api, calls } = fakeServer(() => (down ? new OfflineError('http://127.0.0.1:1', new Error('ECONNREFUSED')) : undefined));
    let now = 1_000_000;
    const options = { owner: 'test', now: () => now };

    const offline = await deliverOutbox(api, state, logOf(state), options);
    expect(offline.failure?.offline).toBe(true);
    expect(offline.outcomes.get(first.seq)?.status).toBe('waiting');
    expect(state.outbox.headDueAt()).toBe(now + 1000);
    // Before the backoff ends nothing is tried; after it, a second failure doubles it.
    expect((await deliverOutbox(api, state, logOf(state), options)).outcomes.get(first.seq)).toMatchObject({ status: 'waiting' });
    now += 1000;
    await deliverOutbox(api, state, logOf(state), options);
    expect(state.outbox.headDueAt()).toBe(now + 2000);
    expect(state.outbox.all()[0].attempts).toBe(2);

    down = false;
    now += 2000;
    await deliverOutbox(api, state, logOf(state), options);
    expect(calls.map((c) => c.ids)).toEqual([[A1], [A2]]);
    expect(state.outbox.count()).toBe(0);
    state.close();
  });

  it('drops a change whose asset was purged, with a log line, and goes on with the next', async () => {
    const state = signedIn();
    const gone = recordChange(state, { kind: 'asset', assetIds: [A3], favorite: true });
    recordChange(state, { kind: 'asset', assetIds: [A1], favorite: true });
    const { api, calls } = fakeServer((call) => (call.ids.includes(A3) ? new SkyrollError('NOT_FOUND') : undefined));
    const result = await deliverOutbox(api, state, logOf(state), { owner: 'test' });
    expect(result.outcomes.get(gone.seq)).toMatchObject({ status: 'dropped' });
    expect(calls.map((c) => c.ids)).toEqual([[A1]]);
    expect(state.outbox.count()).toBe(0);
    expect(logged(state)).toMatch(/"event":"metadata.dropped".*NOT_FOUND/);
    state.close();
  });

  it('one purged asset among many: the others are still delivered, one by one', async () => {
    const state = signedIn();
    const change = recordChange(state, { kind: 'album.add', albumId: ALBUM, assetIds: [A1, A3, A2] });
    const { api, calls } = fakeServer((call) => (call.ids.includes(A3) ? new SkyrollError('NOT_FOUND') : undefined));
    const result = await deliverOutbox(api, state, logOf(state), { owner: 'test' });
    expect(result.outcomes.get(change.seq)).toEqual({ status: 'delivered' });
    expect(calls.map((c) => [c.ids, c.hlc])).toEqual([
      [[A1], change.hlc],
      [[A2], change.hlc],
    ]);
    expect(state.outbox.count()).toBe(0);
    state.close();
  });

  it('a change the server refuses as such is dropped rather than blocking the ones behind it', async () => {
    const state = signedIn();
    recordChange(state, { kind: 'asset', assetIds: [A1], caption: 'x'.repeat(3000) });
    recordChange(state, { kind: 'asset', assetIds: [A2], favorite: true });
    const { api, calls } = fakeServer((call) => (call.ids.includes(A1) ? new SkyrollError('VALIDATION_FAILED') : undefined));
    await deliverOutbox(api, state, logOf(state), { owner: 'test' });
    expect(calls.map((c) => c.ids)).toEqual([[A2]]);
    expect(state.outbox.count()).toBe(0);
    state.close();
  });

  it('one deliverer at a time: another process holding the lease leaves the changes to it', async () => {
    const state = signedIn();
    const change = recordChange(state, { kind: 'asset', assetIds: [A1], favorite: true });
    state.meta.setOutboxLease({ owner: 'agent:1', until: Date.now() + 30_000 });
    const { api, calls } = fakeServer();
    const result = await deliverOutbox(api, state, logOf(state), { owner: 'cli:2' });
    expect(result.busy).toBe(true);
    expect(result.outcomes.get(change.seq)?.status).toBe('waiting');
    expect(calls).toEqual([]);
    // A lease left by a process that died runs out.
    state.meta.setOutboxLease({ owner: 'agent:1', until: Date.now() - 1 });
    expect((await deliverOutbox(api, state, logOf(state), { owner: 'cli:2' })).outcomes.get(change.seq)?.status).toBe('delivered');
    state.close();
  });
});
