/**
 * Bad inputs get a clear error and leave the server up: broken and non-media files on a device,
 * Unicode names, path traversal, malformed and oversized bodies, wrong passwords, another
 * account's ids, a client speaking the wrong protocol.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ROUTES } from '@skyroll/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, errorCode, rawHttp, type ApiResponse } from '../support/api.js';
import { Harness, describeRun, hashTree, runCli, treesEqual, type Account, type Device, type SkyrollServer, type StatusItem } from '../support/harness.js';
import { makePhoto, writeNonMediaFiles, writeTruncatedJpeg, writeUnicodePhotos, writeZeroByteFile } from '../support/photos.js';

describe('bad inputs', () => {
  const h = new Harness();
  let server: SkyrollServer;
  let account: Account;
  let api: ApiClient;
  let goodAssetId: string;

  beforeAll(async () => {
    server = await h.startServer();
    account = await h.createAccount(server, 2, 'bad');
    api = await ApiClient.login(server.url, account.email, account.password);
  });
  afterAll(() => h.cleanup());

  // Whatever a test threw at it, the server answers afterwards.
  afterEach(async () => {
    expect(server.running, `server process died\n${server.log.slice(-3000)}`).toBe(true);
    const info = await api.serverInfo();
    expect(info.status).toBe(200);
    expect((info.body as { name: string }).name).toBe('skyroll');
  });

  it('empty, truncated and non-media files fail clearly and stay on the device; Unicode NFC and NFD names both sync', { timeout: 120_000 }, async () => {
    const [a, b] = account.devices;
    const good = await makePhoto(1, { targetBytes: 80 * 1024, seed: 61 });
    await writeFile(join(a.syncDir, 'good.jpg'), good.bytes);
    const unicode = await writeUnicodePhotos(a.syncDir);
    await writeZeroByteFile(a.syncDir, 'empty.jpg');
    await writeTruncatedJpeg(a.syncDir, 'truncated.jpg');
    await writeNonMediaFiles(a.syncDir, { fakeJpeg: 'not-a-photo.jpg', text: 'notes.txt' });
    const before = await hashTree(a.syncDir);
    expect(before.size).toBe(8);

    const run = await h.syncOnce(a);
    expect([0, 3], `sync --once with bad files must not crash:\n${run.stdout}\n${run.stderr}`).toContain(run.code);
    expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace

    // Every bad file is reported, item by item, with why.
    const status = await h.status(a);
    const itemFor = (name: string): StatusItem | undefined =>
      status.items.find((i) => relative(a.syncDir, resolve(a.syncDir, i.path)) === name);
    const why: Array<[string, RegExp]> = [
      ['empty.jpg', /empty|0 bytes/i],
      ['truncated.jpg', /damaged|truncated|corrupt/i],
      ['not-a-photo.jpg', /not a photo|unsupported|not .*media/i],
      ['notes.txt', /not a photo|unsupported|not .*media|extension/i],
    ];
    for (const [name, reason] of why) {
      const item = itemFor(name);
      expect(item, `status --json on A lists ${name}: ${JSON.stringify(status.items)}`).toBeDefined();
      expect(['failed', 'excluded'], `state of ${name}`).toContain(item!.state);
      expect(item!.detail ?? '', `why ${name} is not synced`).toMatch(reason);
    }
    for (const name of ['truncated.jpg', 'not-a-photo.jpg']) expect(itemFor(name)!.state, name).toBe('failed');
    expect(status.summary.failed, 'failed count').toBe(status.items.filter((i) => i.state === 'failed').length);
    expect(status.summary.synced, `synced count: good.jpg and the 3 Unicode names\n${JSON.stringify(status)}\n${describeRun(run)}`).toBe(4);
    // The run's own output names what failed.
    expect(run.stdout + run.stderr).toContain('truncated.jpg');

    // Nothing on A was touched; only the good photos reached B, under both Unicode spellings.
    expect(treesEqual(await hashTree(a.syncDir), before), 'A keeps all its files as they were').toBe(true);
    await h.syncOnceOk(b);
    const expectedOnB = new Map([['good.jpg', good.sha256], ...unicode]);
    const onB = await hashTree(b.syncDir);
    expect([...onB.keys()].sort()).toEqual([...expectedOnB.keys()].sort());
    expect(treesEqual(onB, expectedOnB), 'B has the good photos byte for byte').toBe(true);
    const nfc = [...unicode.keys()][0];
    const nfd = [...unicode.keys()][1];
    expect(nfc).not.toBe(nfd);
    expect(nfc.normalize('NFC')).toBe(nfd.normalize('NFC'));
    expect(onB.get(nfc)).toBe(unicode.get(nfc));
    expect(onB.get(nfd)).toBe(unicode.get(nfd));

    const live = await api.liveAssets();
    expect(live).toHaveLength(4);
    goodAssetId = live.find((x) => x.checksum === good.sha256)!.id;
    expect(goodAssetId).toBeTruthy();
  });

  it('a `..` path in a commit and in an asset id is refused', async () => {
    const checksum = 'a'.repeat(64);
    for (const path of ['../evil.jpg', 'a/../../evil.jpg', '/etc/evil.jpg', '.skyroll/evil.jpg']) {
      const res = await api.request(ROUTES.assets, { method: 'POST', json: { checksum, path } });
      expect(res.status, `commit with path ${path}: ${res.text}`).toBe(400);
      expectError(res, ['INVALID_PATH', 'VALIDATION_FAILED']);
    }
    expect(existsSync(join(server.dataDir, '..', 'evil.jpg'))).toBe(false);

    for (const path of ['/api/assets/../../../../etc/passwd/original', '/api/assets/..%2F..%2F..%2Fetc%2Fpasswd/original', '/api/assets/%2e%2e/original']) {
      const res = await rawHttp(server.url, 'GET', path, { headers: { authorization: `Bearer ${api.token}` } });
      expect([400, 404], `GET ${path}: ${res.status} ${res.text.slice(0, 300)}`).toContain(res.status);
      expect(res.text).not.toContain('root:');
      expect(errorCode(res.body), `error code for GET ${path}: ${res.text.slice(0, 300)}`).toBeDefined();
    }
  });

  it('malformed JSON is 400 INVALID_JSON; a body over 1 MiB is 413', async () => {
    const malformed = await api.request(ROUTES.check, { method: 'POST', raw: '{"checksums": ["' });
    expect(malformed.status, malformed.text).toBe(400);
    expectError(malformed, ['INVALID_JSON']);

    const huge = JSON.stringify({ checksums: ['a'.repeat(64)], padding: 'x'.repeat(1.5 * 1024 * 1024) });
    const res = await rawHttp(server.url, 'POST', ROUTES.check, {
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: huge,
    });
    expect(res.status, res.text.slice(0, 300)).toBe(413);
    expect(errorCode(res.body)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a wrong password is 401 with a clear CLI message', async () => {
    const stateDir = await h.tempDir('wrong-password');
    const r = await runCli(
      ['login', '--state', stateDir, '--server', server.url, '--email', account.email, '--device', 'intruder', '--password-stdin'],
      { stdin: 'not the password\n' },
    );
    const output = `${r.stdout}\n${r.stderr}`;
    expect(r.code, output).not.toBe(0);
    expect(output).toMatch(/wrong email or password|(incorrect|invalid|wrong).*password/i);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);

    const res = await new ApiClient(server.url).request(ROUTES.login, {
      method: 'POST',
      json: { email: account.email, password: 'not the password', deviceName: 'intruder' },
    });
    expect(res.status).toBe(401);
    expectError(res, ['INVALID_CREDENTIALS']);
  });

  it("another account's asset id is 404, exactly like an id that does not exist", async () => {
    if (!goodAssetId) {
      // Run alone: give the account a photo of its own first.
      const [a] = account.devices;
      await writeFile(join(a.syncDir, 'mine.jpg'), (await makePhoto(3, { targetBytes: 40 * 1024, seed: 63 })).bytes);
      await h.syncOnceOk(a);
      goodAssetId = (await api.liveAssets())[0].id;
    }
    const otherEmail = `other-${process.pid}@example.test`;
    await ApiClient.signup(server.url, otherEmail, 'another long password');
    const other = await ApiClient.login(server.url, otherEmail, 'another long password');
    const unknown = randomUUID();

    for (const id of [goodAssetId, unknown]) {
      const get = await other.request(ROUTES.asset(id));
      expect(get.status, `GET asset ${id}: ${get.text}`).toBe(404);
      expectError(get, ['NOT_FOUND']);
      const original = await other.request(ROUTES.original(id));
      expect(original.status, `GET original ${id}`).toBe(404);
      const trash = await other.request(ROUTES.trash, { method: 'POST', json: { assetIds: [id] } });
      expect(trash.status, `trash ${id}: ${trash.text}`).toBe(404);
      const restore = await other.request(ROUTES.restore, { method: 'POST', json: { assetIds: [id] } });
      expect(restore.status, `restore ${id}: ${restore.text}`).toBe(404);
    }
    expect((await other.liveAssets()).length).toBe(0);
    // The owner's photo was not touched.
    expect((await api.liveAssets()).some((x) => x.id === goodAssetId)).toBe(true);
    const mine = await api.request(ROUTES.asset(goodAssetId));
    expect(mine.status).toBe(200);
  });

  it('an unsupported protocol version is 426 UPDATE_REQUIRED', async () => {
    for (const version of ['999', '0']) {
      const res = await api.request(ROUTES.journal, { protocol: version });
      expect(res.status, `protocol ${version}: ${res.text}`).toBe(426);
      expectError(res, ['UPDATE_REQUIRED']);
    }
    const garbage = await api.request(ROUTES.journal, { protocol: 'banana' });
    expect([400, 426]).toContain(garbage.status);
    expect(errorCode(garbage.body)).toBeDefined();
    const ok = await api.request(ROUTES.journal);
    expect(ok.status).toBe(200);
  });

  it('after all of that, devices still sync', async () => {
    const [a, b] = account.devices as [Device, Device];
    const photo = await makePhoto(2, { targetBytes: 60 * 1024, seed: 62 });
    await writeFile(join(b.syncDir, 'after.jpg'), photo.bytes);
    const up = await h.syncOnce(b);
    const down = await h.syncOnce(a);
    expect((await hashTree(a.syncDir)).get('after.jpg'), `B:\n${describeRun(up)}\nA:\n${describeRun(down)}`).toBe(photo.sha256);
  });
});

function expectError(res: ApiResponse, codes: string[]): void {
  const code = errorCode(res.body);
  expect(codes, `error code in ${res.text.slice(0, 300)}`).toContain(code);
  const message = (res.body as { error: { message?: unknown } }).error.message;
  expect(typeof message === 'string' && message.length > 0, 'a message for people').toBe(true);
}
