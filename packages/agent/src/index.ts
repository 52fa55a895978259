import type { Command } from 'commander';
import { registerAccountCommands } from './cli/account.command.js';
import { registerAlbumCommands } from './cli/album.command.js';
import { registerDevicesCommand } from './cli/devices.command.js';
import { registerDoctorCommand } from './cli/doctor.command.js';
import { registerFetchCommand } from './cli/fetch.command.js';
import { registerMetadataCommands } from './cli/metadata.command.js';
import { registerPauseCommands } from './cli/pause.command.js';
import { registerSettingsCommand } from './cli/settings.command.js';
import { registerStorageCommand } from './cli/storage.command.js';
import { registerStatusCommand } from './cli/status.command.js';
import { registerSyncCommand } from './cli/sync.command.js';
import { registerTrashCommand } from './cli/trash.command.js';

/** Adds the device commands (signup, login, sync, status, trash, pause, resume, sync-now, settings, storage, fetch, favorite, hide, album, albums) to the CLI. */
export function registerAgentCommands(program: Command): void {
  registerAccountCommands(program);
  registerSyncCommand(program);
  registerStatusCommand(program);
  registerDoctorCommand(program);
  registerDevicesCommand(program);
  registerTrashCommand(program);
  registerPauseCommands(program);
  registerSettingsCommand(program);
  registerStorageCommand(program);
  registerFetchCommand(program);
  registerMetadataCommands(program);
  registerAlbumCommands(program);
}
