/**
 * The device's world (network, power, disk) read through the probes — again at once when
 * `world.json` changes (tests flip it mid-sync), else every ten seconds — and the rules
 * applied to each action with the device's settings (cached in the state from the server).
 */
import type { Action } from '../reconcile.js';
import { diskWithOverrides, probeDisk, probeWorld, readOverrides, type WorldOverrides } from '../policy/probes.js';
import type { PolicyContext, Work } from '../policy/rules.js';
import type { World } from '../policy/world.js';
import type { AgentState } from '../state/state.js';

const OVERRIDDEN_TTL_MS = 400;
const PROBED_TTL_MS = 10_000;

export class PolicyGate {
  private cached?: { at: number; key: string; ttl: number; world: World };
  /**
   * Bytes this agent freed (+) or wrote (−) since the reported free space was overridden: an
   * override is a reading at one moment, and the agent's own evictions and downloads move it.
   */
  private ledger = { key: '', delta: 0 };

  constructor(
    private readonly state: AgentState,
    private readonly folder: string,
  ) {}

  async world(now = Date.now()): Promise<World> {
    // The overrides are one small file, read every time: a flip is seen at once, not after the cache.
    let key = 'unreadable';
    let overridden = false;
    try {
      const overrides = await readOverrides(this.state.dir);
      key = JSON.stringify(overrides);
      overridden = Boolean(overrides.network || overrides.power || overrides.diskFreeBytes !== undefined || overrides.diskFloorBytes !== undefined);
      const ledgerKey = String(overrides.diskFreeBytes ?? '');
      if (ledgerKey !== this.ledger.key) this.ledger = { key: ledgerKey, delta: 0 };
    } catch {
      // read below again, and reported as an unknown world
    }
    if (this.cached && this.cached.key === key && now - this.cached.at < this.cached.ttl) {
      // Network and power from the cache; free space is one statfs, read fresh (evictions and downloads move it).
      const disk = this.cached.world.disk?.overridden ? this.cached.world.disk : await this.freshDisk(key);
      return this.withLedger({ ...this.cached.world, disk });
    }
    let world: World;
    try {
      world = await probeWorld(this.state.dir, this.folder);
    } catch {
      // A malformed override reads as an unknown world rather than stopping sync.
      world = { network: { kind: 'unknown', metered: false, source: 'default' }, power: { ac: null, batteryPercent: null, lowPower: false, source: 'default' }, disk: await probeDisk(this.folder) };
    }
    this.cached = { at: now, key, ttl: overridden ? OVERRIDDEN_TTL_MS : PROBED_TTL_MS, world };
    return this.withLedger(world);
  }

  /** The agent freed (positive) or used (negative) disk space; counted against an overridden reading. */
  account(bytes: number): void {
    this.ledger.delta += bytes;
  }

  private async freshDisk(key: string): Promise<World['disk']> {
    let overrides: WorldOverrides = {};
    try {
      overrides = JSON.parse(key) as WorldOverrides;
    } catch {
      // unreadable overrides: the probe alone
    }
    return diskWithOverrides(await probeDisk(this.folder), overrides);
  }

  private withLedger(world: World): World {
    if (!world.disk?.overridden || this.ledger.delta === 0) return world;
    return { ...world, disk: { ...world.disk, freeBytes: Math.max(0, world.disk.freeBytes + this.ledger.delta) } };
  }

  /** A short signature: a running agent looks again when it changes. */
  static signature(world: World): string {
    return JSON.stringify([world.network.kind, world.network.metered, world.power.ac, world.power.lowPower, world.power.batteryPercent, world.disk?.overridden ? world.disk.freeBytes : null, world.disk?.floorBytes ?? null]);
  }

  /** Settings and "Sync Now" as the state holds them now (read once per pass). */
  context(world: World, now = Date.now()): PolicyContext {
    const override = this.state.meta.overrideUntil(now);
    return { settings: this.state.meta.settings(), world, now, pausedUntil: null, overrideUntil: override || null };
  }

  static workOf(action: Action, sizeOf: (assetId: string) => number | undefined): Work {
    if (action.kind === 'upload') return { kind: 'upload', bytes: action.file.size };
    if (action.kind === 'download' || action.kind === 'replace-local') return { kind: 'download', bytes: sizeOf(action.asset.id) ?? 0 };
    return { kind: 'metadata', bytes: 0 };
  }
}
