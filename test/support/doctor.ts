/**
 * `skyroll doctor` and `skyroll status` as the device-health tests drive them: run with the same
 * environment as the device's agent (the doctor reads the device's world as the agent does),
 * assert that exactly one check fails (with its fix) and every other passes or is skipped, and
 * wait for a cause to show up in — or clear from — the doctor and the status.
 */
import { expect } from 'vitest';
import type { ApiClient } from './api.js';
import type { Device, Harness, StatusItem, StatusReport } from './harness.js';
import { describeRun, runCli, type RunResult } from './processes.js';
import { waitFor } from './wait.js';

/** The doctor's checks, in the order it prints them. */
export const DOCTOR_CHECKS = [
  'account',
  'sync-enabled',
  'connection',
  'mobile-data',
  'cloud-storage',
  'device-storage',
  'agent',
  'version',
  'power',
  'mass-delete',
] as const;
export type DoctorCheckId = (typeof DOCTOR_CHECKS)[number];

export interface DoctorCheck {
  id: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  summary: string;
  fix: string | null;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

export interface DoctorRun {
  code: number | null;
  report: DoctorReport;
  run: RunResult;
}

type Env = Record<string, string | undefined>;

const VERBOSE = process.env.SKYROLL_E2E_VERBOSE === '1';
/** With SKYROLL_E2E_VERBOSE=1: how long each wait took, and what the doctor said. */
function trace(what: string, started: number, extra?: string): void {
  if (VERBOSE) console.log(`[doctor e2e] ${what}: ${Date.now() - started} ms${extra ? `\n${extra}` : ''}`);
}

/** `skyroll doctor --json --state S` with `env` (give it the env the device's agent runs with). */
export async function runDoctor(device: Device, env: Env = {}): Promise<DoctorRun> {
  const run = await runCli(['doctor', '--json', '--state', device.stateDir], { env, timeoutMs: 30_000 });
  let report: DoctorReport;
  try {
    report = JSON.parse(run.stdout) as DoctorReport;
  } catch {
    throw new Error(`doctor --json on device ${device.name} printed no JSON\n${describeRun(run)}`);
  }
  if (!report || typeof report.ok !== 'boolean' || !Array.isArray(report.checks)) {
    throw new Error(`doctor --json on device ${device.name}: not a doctor report\n${describeRun(run)}`);
  }
  return { code: run.code, report, run };
}

/** `skyroll doctor` (human output) with `env`. */
export function runDoctorText(device: Device, env: Env = {}): Promise<RunResult> {
  return runCli(['doctor', '--state', device.stateDir], { env, timeoutMs: 30_000 });
}

export function checkOf(report: DoctorReport, id: string): DoctorCheck | undefined {
  return report.checks.find((c) => c.id === id);
}

/** The whole report, for failure messages. */
export function showDoctor(d: DoctorRun | DoctorReport): string {
  const report = 'report' in d ? d.report : d;
  const code = 'code' in d ? ` (exit ${d.code})` : '';
  return `doctor --json${code}:\n${JSON.stringify(report, null, 2)}`;
}

/** Only `id` fails; every other check is ok or skip (not warn, not fail). */
function onlyFailing(d: DoctorRun, id: string): boolean {
  if (d.code !== 1 || d.report.ok !== false) return false;
  return d.report.checks.every((c) => (c.id === id ? c.status === 'fail' : c.status === 'ok' || c.status === 'skip'));
}

function healthy(d: DoctorRun): boolean {
  return d.code === 0 && d.report.ok === true && d.report.checks.every((c) => c.status === 'ok' || c.status === 'skip');
}

/** The shape every report must have: the ten checks in order, fix set exactly on fail/warn. */
export function expectWellFormed(d: DoctorRun): void {
  const msg = showDoctor(d);
  expect(d.report.checks.map((c) => c.id), msg).toEqual([...DOCTOR_CHECKS]);
  for (const c of d.report.checks) {
    expect(['ok', 'warn', 'fail', 'skip'], `${c.id}: status\n${msg}`).toContain(c.status);
    expect(typeof c.summary === 'string' && c.summary.length > 0, `${c.id}: summary\n${msg}`).toBe(true);
    if (c.status === 'fail' || c.status === 'warn') {
      expect(typeof c.fix === 'string' && c.fix.trim().length > 0, `${c.id} is ${c.status}: a non-empty fix\n${msg}`).toBe(true);
    } else {
      expect(c.fix, `${c.id} is ${c.status}: fix is null\n${msg}`).toBeNull();
    }
  }
  const anyFail = d.report.checks.some((c) => c.status === 'fail');
  expect(d.report.ok, `ok ⇔ no check fails\n${msg}`).toBe(!anyFail);
  expect(d.code, `exit code ⇔ ok\n${msg}\n${describeRun(d.run)}`).toBe(anyFail ? 1 : 0);
}

/**
 * Exit 1, ok false, `id` fails with a non-empty fix (matching `fix`/`summary` if given), and every
 * other check is ok or skip.
 */
export function expectOnlyFailing(d: DoctorRun, id: DoctorCheckId, match: { fix?: RegExp; summary?: RegExp } = {}): DoctorCheck {
  expectWellFormed(d);
  const msg = showDoctor(d);
  expect(d.code, msg).toBe(1);
  expect(d.report.ok, msg).toBe(false);
  const check = checkOf(d.report, id)!;
  expect(check.status, `${id} fails\n${msg}`).toBe('fail');
  expect(check.fix?.trim(), `${id}: its fix\n${msg}`).toBeTruthy();
  if (match.fix) expect(check.fix, `${id}: its fix\n${msg}`).toMatch(match.fix);
  if (match.summary) expect(check.summary, `${id}: its summary\n${msg}`).toMatch(match.summary);
  for (const c of d.report.checks) {
    if (c.id !== id) expect(['ok', 'skip'], `${c.id} (only ${id} may fail or warn)\n${msg}`).toContain(c.status);
  }
  return check;
}

/** Exit 0, ok true, every check ok or skip. */
export function expectHealthy(d: DoctorRun): void {
  expectWellFormed(d);
  const msg = showDoctor(d);
  expect(d.code, msg).toBe(0);
  expect(d.report.ok, msg).toBe(true);
  for (const c of d.report.checks) expect(['ok', 'skip'], `${c.id}\n${msg}`).toContain(c.status);
}

/** Polls the doctor until only `id` fails, then asserts the report in full. */
export async function waitForDoctorFailing(
  device: Device,
  id: DoctorCheckId,
  env: Env,
  timeoutMs: number,
  match: { fix?: RegExp; summary?: RegExp } = {},
): Promise<{ doctor: DoctorRun; check: DoctorCheck }> {
  let last: DoctorRun | undefined;
  const started = Date.now();
  const doctor = await waitFor(
    async () => {
      last = await runDoctor(device, env);
      return onlyFailing(last, id) ? last : undefined;
    },
    timeoutMs,
    `doctor on device ${device.name} to fail exactly ${id}`,
    { intervalMs: 300, explain: () => (last ? showDoctor(last) : 'no doctor report') },
  );
  trace(`doctor ${device.name} fails ${id}`, started, showDoctor(doctor));
  return { doctor, check: expectOnlyFailing(doctor, id, match) };
}

/** Polls the doctor until it reports a healthy device (exit 0, every check ok or skip). */
export async function waitForDoctorHealthy(device: Device, env: Env, timeoutMs: number): Promise<DoctorRun> {
  let last: DoctorRun | undefined;
  const started = Date.now();
  const doctor = await waitFor(
    async () => {
      last = await runDoctor(device, env);
      return healthy(last) ? last : undefined;
    },
    timeoutMs,
    `doctor on device ${device.name} to report every check ok or skip`,
    { intervalMs: 300, explain: () => (last ? showDoctor(last) : 'no doctor report') },
  );
  trace(`doctor ${device.name} healthy`, started, VERBOSE ? doctor.report.checks.map((c) => `  ${c.id}: ${c.status} ${c.summary}`).join('\n') : undefined);
  expectHealthy(doctor);
  return doctor;
}

/** `skyroll status --json` with `env` (the harness's `h.status` uses the default env). */
export async function statusOf(device: Device, env: Env = {}): Promise<StatusReport> {
  const run = await runCli(['status', '--json', '--state', device.stateDir], { env, timeoutMs: 30_000 });
  if (run.code !== 0) throw new Error(`status --json on device ${device.name} exited ${run.code ?? run.signal}\n${describeRun(run)}`);
  try {
    return JSON.parse(run.stdout) as StatusReport;
  } catch {
    throw new Error(`status --json on device ${device.name} printed no JSON\n${describeRun(run)}`);
  }
}

/**
 * Waits until every one of `paths` is in `status --json` as not synced with `reason` (state
 * `blocked`, or one of `states` if given); returns those items.
 */
export async function waitForReason(
  device: Device,
  paths: string[],
  reason: DoctorCheckId,
  env: Env,
  timeoutMs: number,
  states: string[] = ['blocked'],
): Promise<StatusItem[]> {
  let last: StatusReport | undefined;
  const started = Date.now();
  const items = await waitFor(
    async () => {
      last = await statusOf(device, env);
      const items = paths.map((p) => last!.items.find((i) => i.path === p));
      if (items.some((i) => !i || i.reason !== reason || !states.includes(i.state))) return undefined;
      return items as StatusItem[];
    },
    timeoutMs,
    `${paths.join(', ')} on device ${device.name} to be ${states.join('/')} with reason ${reason}`,
    { intervalMs: 300, explain: () => `last status of ${device.name}: ${JSON.stringify(last ?? null)}` },
  );
  trace(`status ${device.name} says ${reason}`, started, JSON.stringify(items));
  return items;
}

/** Waits until `status --json` reports nothing pending, blocked or failed, and `synced` items. */
export async function waitForAllSynced(h: Harness, device: Device, synced: number, timeoutMs: number): Promise<StatusReport> {
  let last: StatusReport | undefined;
  const started = Date.now();
  const report = await waitFor(
    async () => {
      last = await h.status(device);
      const s = last.summary;
      return s.pending === 0 && s.blocked === 0 && s.failed === 0 && s.synced === synced ? last : undefined;
    },
    timeoutMs,
    `status of device ${device.name} to report ${synced} synced and nothing else`,
    { intervalMs: 300, explain: () => `last status of ${device.name}: ${JSON.stringify(last ?? null)}` },
  );
  trace(`status ${device.name} all synced`, started);
  return report;
}

/**
 * The human output: one ✗ line naming the failing check (its id or its summary), with the fix on
 * a line beneath it; no other ✗ line.
 */
export function expectHumanFailure(run: RunResult, check: DoctorCheck): void {
  const msg = describeRun(run);
  if (VERBOSE) console.log(`[doctor e2e] human doctor output:\n${run.stdout}`);
  expect(run.code, msg).toBe(1);
  const lines = run.stdout.split('\n');
  const crosses = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes('✗'));
  expect(crosses.length, `exactly one ✗ line\n${msg}`).toBe(1);
  const [line, at] = crosses[0];
  expect(line.includes(check.id) || line.includes(check.summary), `the ✗ line names ${check.id}\n${msg}`).toBe(true);
  const below = lines.slice(at + 1).join('\n');
  // The fix may be prefixed ("fix: …") or indented; its first line must be beneath the ✗ line.
  const norm = (t: string): string => t.replace(/\s+/g, ' ').trim();
  const firstFixLine = norm((check.fix ?? '').split('\n')[0]);
  expect(norm(below).includes(firstFixLine), `the fix beneath the ✗ line: ${JSON.stringify(firstFixLine)}\n${msg}`).toBe(true);
}

/** Waits until the account behind `api` has exactly `count` live assets on the server. */
export async function waitForLiveAssets(api: ApiClient, count: number, what: string, timeoutMs: number): Promise<void> {
  let last = -1;
  const started = Date.now();
  await waitFor(
    async () => {
      last = (await api.liveAssets()).length;
      return last === count;
    },
    timeoutMs,
    what,
    { explain: () => `live assets on the server: ${last}` },
  );
  trace(what, started);
}
