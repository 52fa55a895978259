import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepWatching } from './watcher.js';

const until = async (ok: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** A watcher whose failures the test triggers. */
function fakeWatcher(failuresToSubscribe = 0) {
  let subscribeFailures = failuresToSubscribe;
  const fake = {
    subscribed: 0,
    unsubscribed: 0,
    breakIt: (_err: Error) => {},
    subscribe: async (_folder: string, _onChange: (paths: string[]) => void, onError: (err: Error) => void) => {
      if (subscribeFailures-- > 0) throw new Error('watch limit reached');
      fake.subscribed++;
      fake.breakIt = onError;
      return async () => {
        fake.unsubscribed++;
      };
    },
  };
  return fake;
}

describe('keepWatching', () => {
  it('replaces a watcher that fails, and signals a change at once so a pass catches up', async () => {
    const fake = fakeWatcher();
    let changes = 0;
    const errors: unknown[] = [];
    const stop = await keepWatching('/folder', { subscribe: fake.subscribe, onChange: () => changes++, onError: (e) => errors.push(e), retryMs: 5 });
    expect(fake.subscribed).toBe(1);
    fake.breakIt(new Error('watcher died'));
    expect(changes).toBe(1);
    expect(errors).toHaveLength(1);
    expect(fake.unsubscribed).toBe(1);
    await until(() => fake.subscribed === 2);
    await stop();
    expect(fake.unsubscribed).toBe(2);
  });

  it('keeps trying, with growing delays, while the watcher cannot start; stops trying once stopped', async () => {
    const fake = fakeWatcher(3);
    let changes = 0;
    const stop = await keepWatching('/folder', { subscribe: fake.subscribe, onChange: () => changes++, onError: () => {}, retryMs: 5, maxRetryMs: 20 });
    expect(fake.subscribed).toBe(0);
    await until(() => fake.subscribed === 1);
    expect(changes).toBe(3);
    fake.breakIt(new Error('again'));
    await stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.subscribed).toBe(1);
  });

  it('watches a real folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'skyroll-watch-'));
    let changes = 0;
    const stop = await keepWatching(folder, { onChange: () => changes++, onError: (err) => expect.fail(String(err)) });
    writeFileSync(join(folder, 'IMG_0001.jpg'), 'x');
    await until(() => changes > 0);
    await stop();
  });
});
