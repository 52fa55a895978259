/**
 * `skyroll doctor` and `status` for the causes a device's settings and world set up, with real
 * agents A → B: sync turned off, cellular with mobile data off, battery with only-when-charging,
 * and a receiving device whose disk is under the floor. In each, the doctor fails exactly the
 * matching check with its fix (every other check ok or skip), status gives the waiting items that
 * reason, and clearing the cause converges with no other action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, hashTree, treeOf, waitForTrees, type Account, type Device, type SkyrollServer } from '../support/harness.js';
import { expectHumanFailure, runDoctorText, waitForAllSynced, waitForDoctorFailing, waitForDoctorHealthy, waitForReason } from '../support/doctor.js';
import { writePhotos, type WrittenPhoto } from '../support/photos.js';
import { WORLD_FROM_FILE, setSetting, writeWorld } from '../support/policy.js';

const SMALL = { targetBytes: 40 * 1024 };
const GiB = 1024 ** 3;
/** The agents and the doctor read the device's world from STATE/world.json. */
const ENV = WORLD_FROM_FILE;
/** A cause shows up in status/doctor, or clears, within this (settings by SSE, world.json every 0.5 s). */
const SHOW_MS = 20_000;
const CONVERGE_MS = 30_000;

describe('doctor: settings and the device world', () => {
  const h = new Harness();
  let server: SkyrollServer;
  let account: Account;
  let a: Device;
  let b: Device;
  const added: WrittenPhoto[] = [];
  let photoIndex = 0;

  beforeAll(async () => {
    server = await h.startServer();
    account = await h.createAccount(server, 2, 'docpolicy');
    [a, b] = account.devices;
    await writeWorld(a, { network: 'wifi', power: 'ac' });
    await writeWorld(b, { network: 'wifi', power: 'ac' });
    h.startAgent(a, { env: ENV });
    h.startAgent(b, { env: ENV });
    added.push(...(await writePhotos(a.syncDir, 1, { ...SMALL, seed: 51, start: photoIndex++ })));
    await waitForTrees([a, b], treeOf(added), 60_000, 'a first photo from A on B');
    // Both devices healthy before any cause is set up.
    await waitForDoctorHealthy(a, ENV, SHOW_MS);
    await waitForDoctorHealthy(b, ENV, SHOW_MS);
  }, 120_000);
  afterAll(() => h.cleanup());

  async function addOnA(): Promise<WrittenPhoto> {
    const [photo] = await writePhotos(a.syncDir, 1, { ...SMALL, seed: 51, start: photoIndex++ });
    return photo;
  }

  /** The cause is gone: the photo reaches B by itself, and both doctors are healthy again. */
  async function expectConverged(what: string, photo: WrittenPhoto, device: Device): Promise<void> {
    added.push(photo);
    await waitForTrees([a, b], treeOf(added), CONVERGE_MS, what);
    await waitForAllSynced(h, device, added.length, 10_000);
    await waitForDoctorHealthy(device, ENV, SHOW_MS);
  }

  it('sync turned off: doctor fails sync-enabled (also in its human output); sync on converges', { timeout: 90_000 }, async () => {
    await setSetting(a, 'sync', 'off');
    const photo = await addOnA();
    const [item] = await waitForReason(a, [photo.relativePath], 'sync-enabled', ENV, SHOW_MS);
    expect(item.detail, 'detail of the sync-enabled block').toBeTruthy();
    const { check } = await waitForDoctorFailing(a, 'sync-enabled', ENV, SHOW_MS, { fix: /settings sync on|sync on|turn .*sync.* on/i });
    expect((await hashTree(b.syncDir)).has(photo.relativePath), 'the photo reached B while sync is off').toBe(false);

    // The human output: a ✗ line for the failing check, the fix beneath it.
    expectHumanFailure(await runDoctorText(a, ENV), check);

    await setSetting(a, 'sync', 'on');
    await expectConverged('sync on: the photo reaches B', photo, a);
  });

  it('cellular with mobile data off: doctor fails mobile-data; Wi-Fi converges', { timeout: 90_000 }, async () => {
    await setSetting(a, 'mobile-data', 'off');
    await writeWorld(a, { network: 'cellular', power: 'ac' });
    const photo = await addOnA();
    await waitForReason(a, [photo.relativePath], 'mobile-data', ENV, SHOW_MS);
    await waitForDoctorFailing(a, 'mobile-data', ENV, SHOW_MS, { fix: /mobile-data|wi-?fi/i });
    expect((await hashTree(b.syncDir)).has(photo.relativePath), 'the photo reached B over cellular with mobile data off').toBe(false);

    await writeWorld(a, { network: 'wifi', power: 'ac' });
    await expectConverged('cellular → Wi-Fi: the photo reaches B', photo, a);
    await setSetting(a, 'mobile-data', 'on');
  });

  it('on battery with only-when-charging on: doctor fails power; AC converges', { timeout: 90_000 }, async () => {
    await setSetting(a, 'only-when-charging', 'on');
    await writeWorld(a, { network: 'wifi', power: 'battery', battery: 80 });
    const photo = await addOnA();
    await waitForReason(a, [photo.relativePath], 'power', ENV, SHOW_MS);
    await waitForDoctorFailing(a, 'power', ENV, SHOW_MS, { fix: /charg|power|plug/i });
    expect((await hashTree(b.syncDir)).has(photo.relativePath), 'the photo reached B on battery with only-when-charging').toBe(false);

    await writeWorld(a, { network: 'wifi', power: 'ac' });
    await expectConverged('battery → AC: the photo reaches B', photo, a);
    await setSetting(a, 'only-when-charging', 'off');
  });

  it('receiving device with its disk under the floor: its doctor fails device-storage; space back converges', { timeout: 90_000 }, async () => {
    await writeWorld(b, { network: 'wifi', power: 'ac', diskFreeBytes: 100 * 1024 * 1024, diskFloorBytes: 1 * GiB });
    const photo = await addOnA();
    await waitForReason(b, [photo.relativePath], 'device-storage', ENV, SHOW_MS);
    await waitForDoctorFailing(b, 'device-storage', ENV, SHOW_MS, { fix: /free|space|optimi[sz]e/i });
    expect((await hashTree(b.syncDir)).has(photo.relativePath), 'the photo was downloaded under the floor').toBe(false);
    // The sending device is not the one short of space.
    await waitForDoctorHealthy(a, ENV, SHOW_MS);

    await writeWorld(b, { network: 'wifi', power: 'ac', diskFreeBytes: 500 * GiB, diskFloorBytes: 1 * GiB });
    await expectConverged('space back on B: the photo reaches B', photo, b);
  });
});
