import type { Command } from 'commander';
import type { Check, DoctorReport } from '../doctor/checks.js';
import { deviceCommand, withState, type StateOption } from './command.js';

const MARKS: Record<Check['status'], string> = { ok: '✓', warn: '⚠', fail: '✗', skip: '-' };

export function registerDoctorCommand(program: Command): void {
  deviceCommand(program, 'doctor', 'Check everything that can stop this device from syncing, and say how to fix it')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nChecks, in order: account, sync-enabled, connection, mobile-data, cloud-storage, device-storage, agent, version, power, mass-delete.\nExit status: 0 when no check fails (warnings included), 1 when one does.',
    )
    .action(async (opts: StateOption & { json?: boolean }) => {
      const report = await withState(opts, async (state) => {
        const [{ gatherFacts }, { runChecks }] = await Promise.all([import('../doctor/facts.js'), import('../doctor/checks.js')]);
        return runChecks(await gatherFacts(state));
      });
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatDoctor(report));
      process.exit(report.ok ? 0 : 1);
    });
}

/** A ✓/⚠/✗ line per check, the fix beneath. */
export function formatDoctor(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.id.length));
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${MARKS[check.status]} ${check.id.padEnd(width)}  ${check.summary}`);
    if (check.fix) lines.push(`  ${' '.repeat(width)}  → ${check.fix}`);
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  lines.push('');
  lines.push(failed ? `${failed} problem${failed === 1 ? '' : 's'} found${warned ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}.` : warned ? `No problem found; ${warned} warning${warned === 1 ? '' : 's'}.` : 'Everything checks out: this device syncs.');
  return lines.join('\n');
}
