/**
 * An upload cut by a crash resumes from the bytes the server already holds, not from zero.
 * The agent's upload is throttled (SKYROLL_UPLOAD_LIMIT) so it is still running when we kill it.
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { Harness, hashTree, readAgentLog, waitFor, type AgentLogEvent, type SkyrollServer } from '../support/harness.js';
import { makePhoto } from '../support/photos.js';

const BIG_BYTES = 30 * 1024 * 1024;
const LIMIT_BYTES_PER_S = 4 * 1024 * 1024; // ~7.5 s for the whole photo
const NAME = 'BIG_0001.jpg';

const isUpload = (e: AgentLogEvent, event: string): boolean => e.event === event && String(e.path).endsWith(NAME);

describe('resumable upload', () => {
  const h = new Harness();
  let server: SkyrollServer;

  beforeAll(async () => {
    server = await h.startServer();
  });
  afterAll(() => h.cleanup());

  it('a 30 MB upload killed midway resumes from where it stopped and arrives byte-identical', { timeout: 180_000 }, async () => {
    const account = await h.createAccount(server, 2, 'resume');
    const [a, b] = account.devices;
    const photo = await makePhoto(1, { targetBytes: BIG_BYTES, seed: 31 });
    const size = photo.bytes.length;
    await writeFile(join(a.syncDir, NAME), photo.bytes);

    const agent = h.startAgent(a, { env: { SKYROLL_UPLOAD_LIMIT: String(LIMIT_BYTES_PER_S) } });
    const firstStart = await waitFor(
      async () => (await readAgentLog(a.stateDir)).find((e) => isUpload(e, 'upload.start')),
      30_000,
      `agent.log on A to show upload.start for ${NAME}`,
      { explain: () => `agent output:\n${agent.log.slice(-2000)}` },
    );
    expect(firstStart.size).toBe(size);
    expect(firstStart.offset).toBe(0);

    // Once the server holds about a third of the bytes (the partial upload is the one big file
    // in its data folder, whatever the layout), pull the plug.
    const received = await waitFor(
      async () => {
        const bytes = await largestFileSize(server.dataDir, /\.db(-wal|-shm)?$/);
        return bytes >= size * 0.3 ? bytes : 0;
      },
      30_000,
      'the server to receive 30 % of the upload',
      { intervalMs: 50, explain: async () => `largest file: ${await largestFileSize(server.dataDir, /\.db/)} bytes of ${size}` },
    );
    await agent.kill();
    expect(received).toBeLessThan(size);
    const beforeKill = await readAgentLog(a.stateDir);
    expect(
      beforeKill.some((e) => isUpload(e, 'upload.done')),
      'the upload finished before the kill: raise BIG_BYTES or lower the limit',
    ).toBe(false);

    // Restart without the throttle.
    agent.start({ SKYROLL_UPLOAD_LIMIT: undefined });
    const resumed = await waitFor(
      async () => (await readAgentLog(a.stateDir)).filter((e) => isUpload(e, 'upload.start'))[1],
      30_000,
      `a second upload.start for ${NAME} after the restart`,
      { explain: () => `agent output:\n${agent.log.slice(-2000)}` },
    );
    const offset = Number(resumed.offset);
    expect(offset, 'the resumed upload starts after byte 0').toBeGreaterThan(0);
    expect(offset).toBeLessThan(size);

    const done = await waitFor(
      async () => {
        let starts = 0;
        for (const e of await readAgentLog(a.stateDir)) {
          if (isUpload(e, 'upload.start')) starts++;
          else if (starts >= 2 && isUpload(e, 'upload.done')) return e;
        }
        return undefined;
      },
      60_000,
      `upload.done for ${NAME} after the resume`,
      { explain: async () => JSON.stringify((await readAgentLog(a.stateDir)).slice(-10), null, 1) },
    );
    const bytesSent = Number(done.bytesSent);
    expect(bytesSent, 'the resumed upload sends less than the whole file').toBeLessThan(size);
    expect(offset + bytesSent, 'resumed offset + bytes sent = the file, nothing sent twice').toBe(size);

    // The original on the server is the photo, byte for byte: B downloads it.
    await h.syncOnceOk(b);
    expect((await hashTree(b.syncDir)).get(NAME)).toBe(photo.sha256);
    const api = await ApiClient.login(server.url, account.email, account.password);
    const live = await api.liveAssets();
    expect(live).toHaveLength(1);
    expect(live[0].checksum).toBe(photo.sha256);
    expect(live[0].size).toBe(size);
  });
});

/** Size of the biggest file under `dir` whose name does not match `skip`. */
async function largestFileSize(dir: string, skip: RegExp): Promise<number> {
  let max = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || skip.test(entry.name)) continue;
    const size = await stat(join(entry.parentPath, entry.name)).then((s) => s.size, () => 0);
    if (size > max) max = size;
  }
  return max;
}
