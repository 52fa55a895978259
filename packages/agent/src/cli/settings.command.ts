import type { Command } from 'commander';
import { OfflineError } from '../transfer/api-client.js';
import { formatSettings, parseSettingName, parseSettingValue } from '../policy/settings.js';
import { AgentLog } from '../sync/agent-log.js';
import { applySettings } from '../sync/device-settings.js';
import { deviceCommand, signedInApi, usageError, withState, type StateOption } from './command.js';

export function registerSettingsCommand(program: Command): void {
  deviceCommand(program, 'settings', "Show or change this device's settings (stored on the server; a running agent applies a change within a second)")
    .argument('[key]', 'sync, mobile-data, unlimited-updates, only-when-charging or optimize-storage')
    .argument('[value]', 'on, off, true or false')
    .option('--json', 'machine-readable output (all settings)')
    .action((key: string | undefined, value: string | undefined, opts: StateOption & { json?: boolean }) =>
      withState(opts, async (state) => {
        const api = signedInApi(state);
        const log = new AgentLog(state.logPath);
        const name = key === undefined ? undefined : parseSettingName(key);
        if (name && !name.ok) throw usageError(name.error);
        const field = name?.ok ? name.value : undefined;
        if (value !== undefined) {
          const parsed = parseSettingValue(value);
          if (!parsed.ok) throw usageError(parsed.error);
          applySettings(state, log, await api.updateSettings({ [field!]: parsed.value }));
        } else {
          try {
            applySettings(state, log, await api.settings());
          } catch (err) {
            if (!(err instanceof OfflineError)) throw err;
            console.error(`skyroll: ${err.message}: showing the last known settings`);
          }
        }
        const settings = state.meta.settings();
        if (opts.json) console.log(JSON.stringify(field ? { [field]: settings[field] } : settings, null, 2));
        else if (field && value === undefined) console.log(settings[field] ? 'on' : 'off');
        else console.log(formatSettings(settings, field));
      }),
    );
}
