/** What the device's environment looks like right now, as the probes read it. */
export type NetworkKind = 'wifi' | 'ethernet' | 'cellular' | 'offline' | 'unknown';

export interface NetworkState {
  kind: NetworkKind;
  /** A metered connection (a phone hotspot, a capped plan) is treated like cellular. */
  metered: boolean;
  /** Where the reading came from: 'env', 'override-file', 'networkmanager', 'default'. */
  source: string;
}

export interface PowerState {
  /** On mains power; null when the machine has no power-supply information (treated as AC). */
  ac: boolean | null;
  /** Battery charge 0–100, null without a battery. */
  batteryPercent: number | null;
  /** power-profiles-daemon's `power-saver`, or an explicit low-power override. */
  lowPower: boolean;
  source: string;
}

export interface DiskState {
  freeBytes: number;
  totalBytes: number;
  /** Keep at least this much free (default DISK_FLOOR_BYTES; overridable for tests). */
  floorBytes?: number;
  /** freeBytes comes from an override, not from statfs. */
  overridden?: boolean;
}

export interface World {
  network: NetworkState;
  power: PowerState;
  disk: DiskState | null;
}

/** The per-device settings stored on the server ("Sync this device", mobile data, …). */
export interface DeviceSettings {
  sync: boolean;
  mobileData: boolean;
  unlimitedUpdates: boolean;
  onlyWhenCharging: boolean;
  optimizeStorage: boolean;
}

export const DEFAULT_SETTINGS: DeviceSettings = {
  sync: true,
  mobileData: true,
  unlimitedUpdates: false,
  onlyWhenCharging: false,
  optimizeStorage: false,
};
