import { Command } from 'commander';
import { SKYROLL_VERSION } from '@skyroll/protocol';
import { registerAgentCommands } from '@skyroll/agent';
import { registerAdminCommand, registerServerCommand } from '@skyroll/server';

const program = new Command('skyroll')
  .description('Skyroll: a self-hosted photo and video library that keeps every device in sync')
  .version(SKYROLL_VERSION);

registerServerCommand(program);
registerAdminCommand(program);
registerAgentCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
