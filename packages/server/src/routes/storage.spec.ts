import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPlan } from '../admin.js';
import {
  ENGINES,
  loginAgain,
  makeJpeg,
  openEventStream,
  padJpeg,
  request,
  sha256,
  signupAndLogin,
  startTestServer,
  testEngine,
  tusCreate,
  tusUpload,
  uploadAndCommit,
  type TestEngine,
} from '../testing/harness.js';

const cli = fileURLToPath(new URL('../../../cli/bin/skyroll.mjs', import.meta.url));

/** Bytes file-type reads as an MP4 video (an ftyp box, then an mdat of noise). */
function makeMp4(seed: number, size = 3000): Buffer {
  const ftyp = Buffer.from('000000186674797069736f6d0000020069736f6d6d703432', 'hex');
  const mdat = Buffer.alloc(size - ftyp.length, seed % 251);
  mdat.writeUInt32BE(mdat.length, 0);
  mdat.write('mdat', 4);
  return Buffer.concat([ftyp, mdat]);
}

describe.each(ENGINES)('on %s', (engine) => {
  let store: TestEngine;
  beforeAll(async () => {
    store = await testEngine(engine, 'storage');
  });
  afterAll(() => store?.drop());

  describe('plans and quota', () => {
    it('breaks the used bytes down exactly: photos, videos, trash, versions, by device', async () => {
      const server = await startTestServer({ ...store.env, SKYROLL_JOB_WORKERS: '0' });
      try {
        const phone = await signupAndLogin(server.url, 'phone');
        const camera = await loginAgain(server.url, phone.email, 'camera');
        const [p1, p1b, p2] = [await makeJpeg(301), await makeJpeg(302), await makeJpeg(303)];
        const video = makeMp4(7);
        const first = await uploadAndCommit(server.url, phone.token, p1, 'a.jpg');
        const second = await uploadAndCommit(server.url, phone.token, p2, 'b.jpg');
        const clip = await uploadAndCommit(server.url, camera.token, video, 'clip.mp4');
        expect(clip.type).toBe('video');
        // An edit saved over a.jpg: its first bytes stay as a version.
        expect((await tusUpload(server.url, phone.token, p1b)).status).toBe(204);
        const edit = await request(server.url, '/api/assets', {
          token: phone.token,
          json: { checksum: sha256(p1b), path: 'a.jpg', replaces: { assetId: first.id, checksum: first.checksum } },
        });
        expect(edit.status).toBe(200);
        await request(server.url, '/api/assets/trash', { token: phone.token, json: { assetIds: [second.id] } });

        const storage = await request(server.url, '/api/account/storage', { token: camera.token });
        expect(storage.status).toBe(200);
        expect(storage.body).toEqual({
          plan: 'free',
          quotaBytes: 5 * 1000 ** 3,
          usedBytes: p1.length + p1b.length + p2.length + video.length,
          breakdown: {
            photos: p1b.length,
            videos: video.length,
            trash: p2.length,
            versions: p1.length,
            byDevice: [
              { deviceId: phone.deviceId, name: 'phone', bytes: p1b.length + p2.length },
              { deviceId: camera.deviceId, name: 'camera', bytes: video.length },
            ].sort((a, b) => b.bytes - a.bytes),
          },
          plans: [
            { name: 'free', quotaBytes: 5 * 1000 ** 3 },
            { name: '50gb', quotaBytes: 50e9 },
            { name: '200gb', quotaBytes: 200e9 },
            { name: '2tb', quotaBytes: 2e12 },
            { name: '6tb', quotaBytes: 6e12 },
            { name: '12tb', quotaBytes: 12e12 },
          ],
        });
      } finally {
        await server.close();
      }
    });

    it('lets exactly 25 of 2 × 20 racing commits through a quota that fits 25; the rest get 507 with a suggested plan', async () => {
      const size = 4000;
      const files = await Promise.all(Array.from({ length: 40 }, async (_, i) => padJpeg(await makeJpeg(400 + i), size)));
      const quota = 25 * size + size / 2;
      const plans = { free: quota, tiny: 30 * size, big: 50 * size };
      const server = await startTestServer({ ...store.env, SKYROLL_PLANS: JSON.stringify(plans), SKYROLL_JOB_WORKERS: '0' });
      try {
        const a = await signupAndLogin(server.url, 'agent-a');
        const b = await loginAgain(server.url, a.email, 'agent-b');
        for (let i = 0; i < files.length; i += 8) {
          const batch = files.slice(i, i + 8).map((f) => tusUpload(server.url, a.token, f));
          expect((await Promise.all(batch)).map((r) => r.status)).toEqual(Array(batch.length).fill(204));
        }
        const commit = (token: string, f: Buffer, i: number) =>
          request(server.url, '/api/assets', { token, json: { checksum: sha256(f), path: `IMG_${i}.jpg` } });
        const results = await Promise.all([
          ...files.slice(0, 20).map((f, i) => commit(a.token, f, i)),
          ...files.slice(20).map((f, i) => commit(b.token, f, 20 + i)),
        ]);
        expect(results.filter((r) => r.status === 200)).toHaveLength(25);
        const refused = results.filter((r) => r.status !== 200);
        expect(refused).toHaveLength(15);
        for (const r of refused) {
          expect(r.status).toBe(507);
          expect(r.body.error).toEqual({
            code: 'QUOTA_EXCEEDED',
            message: expect.any(String),
            details: { usedBytes: 25 * size, quotaBytes: quota, neededBytes: size, freeBytes: size / 2, suggestedPlan: 'tiny' },
          });
        }
        expect((await request(server.url, '/api/account/storage', { token: a.token })).body.usedBytes).toBe(25 * size);
        expect((await request(server.url, '/api/journal', { token: b.token })).body.head).toBe(25);

        // At upload creation: the smallest plan that fits, or null when none does.
        const upload = await tusCreate(server.url, a.token, { size: 10 * size, checksum: 'e'.repeat(64), filename: 'x.jpg' });
        expect(upload.status).toBe(507);
        expect(upload.body.error.details).toEqual({ usedBytes: 25 * size, quotaBytes: quota, neededBytes: 10 * size, freeBytes: size / 2, suggestedPlan: 'big' });
        const huge = await tusCreate(server.url, a.token, { size: 100 * size, checksum: 'e'.repeat(64), filename: 'x.jpg' });
        expect(huge.body.error.details.suggestedPlan).toBeNull();
      } finally {
        await server.close();
      }
    });

    it('changes a plan through the admin route and the CLI while the server runs, poking the devices', async () => {
      const bytes = await makeJpeg(500);
      const server = await startTestServer({
        ...store.env,
        SKYROLL_PLANS: JSON.stringify({ free: bytes.length - 1, small: 10_000_000, large: 20_000_000 }),
        SKYROLL_JOB_WORKERS: '0',
      });
      let email = '';
      try {
        const device = await signupAndLogin(server.url, 'phone');
        email = device.email;
        expect((await tusUpload(server.url, device.token, bytes)).status).toBe(507);

        const serverFile = path.join(server.dataDir, 'server.json');
        expect(fs.statSync(serverFile).mode & 0o777).toBe(0o600);
        const { url, adminToken } = JSON.parse(await fsp.readFile(serverFile, 'utf8'));
        expect(url).toBe(server.url);
        const body = { email: device.email, plan: 'small' };
        expect((await request(server.url, '/api/admin/accounts/plan', { json: body })).status).toBe(401);
        expect((await request(server.url, '/api/admin/accounts/plan', { json: body, token: device.token })).status).toBe(401);
        const bad = await request(server.url, '/api/admin/accounts/plan', { json: { ...body, plan: 'huge' }, token: adminToken });
        expect([bad.status, bad.body.error.code, bad.body.error.details.plans]).toEqual([400, 'VALIDATION_FAILED', ['free', 'small', 'large']]);
        const nobody = await request(server.url, '/api/admin/accounts/plan', { json: { ...body, email: 'nobody@example.com' }, token: adminToken });
        expect(nobody.status).toBe(404);

        const stream = await openEventStream(server.url, device.token);
        const changed = await request(server.url, '/api/admin/accounts/plan', { json: body, token: adminToken });
        expect(changed.status).toBe(200);
        expect(changed.body).toEqual({ accountId: device.accountId, email: device.email, storage: { plan: 'small', quotaBytes: 10_000_000, usedBytes: 0 } });
        expect((await stream.waitFor('account')).data).toEqual({ plan: 'small', quotaBytes: 10_000_000, usedBytes: 0 });
        // The upload refused for lack of space now goes through.
        await uploadAndCommit(server.url, device.token, bytes, 'IMG.jpg');

        // The CLI command, against the running server: the devices hear of it too.
        const { stdout } = await promisify(execFile)(process.execPath, [cli, 'admin', 'set-plan', device.email.toUpperCase(), 'large', '--data', server.dataDir], {
          env: { ...process.env, ...store.env, SKYROLL_PLANS: JSON.stringify({ free: 1, small: 10_000_000, large: 20_000_000 }) },
        });
        expect(stdout).toContain('plan large');
        expect((await stream.waitFor('account', (d) => d.plan === 'large')).data.quotaBytes).toBe(20_000_000);
        stream.close();
      } finally {
        await server.close();
      }
      // No server running: written straight into the database.
      expect(fs.existsSync(path.join(server.dataDir, 'server.json'))).toBe(false);
      const offline = await setPlan(server.dataDir, email, '50gb', { db: store.env.SKYROLL_DB });
      expect(offline).toEqual({ email, plan: '50gb', quotaBytes: 50e9, usedBytes: bytes.length, via: 'database' });
      await expect(setPlan(server.dataDir, email, 'nope', { db: store.env.SKYROLL_DB })).rejects.toThrow(/No plan named nope/);
    });
  });
});
