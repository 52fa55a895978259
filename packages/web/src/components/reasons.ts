import type { DeviceSettings, Reason } from '@skyroll/protocol';

/**
 * What holds a device back, in words, and what to do about it. The ids are `skyroll doctor`'s
 * checks; the agent's own `detail` (which item, how much) is shown beside these.
 */
export const REASON_TEXT: Record<Reason, { title: string; fix: string }> = {
  account: {
    title: 'Signed out',
    fix: 'Sign the device back in (skyroll login) with the account that owns its folder.',
  },
  'sync-enabled': {
    title: 'Sync is turned off or paused',
    fix: 'Turn on "Sync this device" below, or run skyroll resume on the device.',
  },
  connection: {
    title: 'Cannot reach the server',
    fix: 'Check the device\'s network connection; skyroll doctor shows which step fails.',
  },
  'mobile-data': {
    title: 'Waiting for Wi-Fi',
    fix: 'Connect to Wi-Fi, or turn on "Mobile data" (and "Unlimited updates" for large originals) below.',
  },
  'cloud-storage': {
    title: 'Cloud storage is full',
    fix: 'Free space on the Storage page (empty Recently Deleted) or move to a bigger plan; nothing is deleted meanwhile.',
  },
  'device-storage': {
    title: 'Device storage is full',
    fix: 'Free space on the device, or turn on "Optimize storage" below to keep small versions there.',
  },
  agent: {
    title: 'Some items could not be synced',
    fix: 'Run skyroll status on the device to see which items and why.',
  },
  version: {
    title: 'Update required',
    fix: 'Update Skyroll on the device to a version this server accepts.',
  },
  power: {
    title: 'Waiting for power',
    fix: 'Plug the device in (or leave power-saver mode), or turn off "Only when charging" below; skyroll sync-now syncs for an hour anyway.',
  },
  'mass-delete': {
    title: 'A large deletion waits for confirmation',
    fix: 'Check the folder on the device; if the deletion was meant, run skyroll sync with --confirm-deletions.',
  },
};

/** The device settings as toggles, in the order the devices page shows them. */
export const SETTING_TOGGLES: readonly { key: keyof DeviceSettings; label: string; hint: string }[] = [
  { key: 'sync', label: 'Sync this device', hint: 'Upload new photos and videos and keep the folder up to date.' },
  { key: 'mobileData', label: 'Mobile data', hint: 'Sync over cellular and metered networks.' },
  { key: 'unlimitedUpdates', label: 'Unlimited updates', hint: 'On mobile data, originals too, not only small versions.' },
  { key: 'onlyWhenCharging', label: 'Only when charging', hint: 'Wait for power before syncing.' },
  { key: 'optimizeStorage', label: 'Optimize storage', hint: 'Keep small versions on the device and originals in the cloud.' },
];
