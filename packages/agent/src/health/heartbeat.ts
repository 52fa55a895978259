/**
 * The running agent's heartbeat: every few seconds into its own state (what `doctor` and
 * `status` read to tell a running agent from a dead or stuck one), and to the server every
 * HEARTBEAT_INTERVAL_MS or as soon as the health changes (what the web app's devices page shows).
 */
import { HEARTBEAT_INTERVAL_MS, type DeviceHealthReport } from '@skyroll/protocol';
import type { AgentState } from '../state/state.js';
import type { AgentLog } from '../sync/agent-log.js';
import type { Failure } from '../sync/failure.js';
import { agentProtocol, type ApiClient } from '../transfer/api-client.js';
import { healthOf, unexplainedWaiting } from './health.js';

/** What the agent writes into its state at every beat. */
export interface LocalHeartbeat {
  pid: number;
  at: number;
  /** How often it beats (ms): a heartbeat older than a few of these means the agent hangs. */
  intervalMs: number;
  lastProgressAt: number | null;
  /** Since when items have been waiting on the agent itself (null when none is). */
  waitingSince: number | null;
  health: DeviceHealthReport;
}

export const DEFAULT_BEAT_MS = 5_000;

/** SKYROLL_HEARTBEAT_MS: how often a running agent writes its heartbeat (tests shorten it). */
export function beatInterval(): number {
  const value = Number(process.env.SKYROLL_HEARTBEAT_MS);
  return Number.isFinite(value) && value >= 50 ? value : DEFAULT_BEAT_MS;
}

export function readHeartbeat(state: AgentState): LocalHeartbeat | undefined {
  const raw = state.meta.get('heartbeat');
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as LocalHeartbeat;
  } catch {
    return undefined;
  }
}

export interface HeartbeatSource {
  lastProgressAt: number | null;
  lastError: { at: number; message: string } | null;
  /** What stops the whole device now, if anything. */
  stop(): Failure | undefined;
}

export class Heartbeat {
  private waitingSince: number | null = null;
  private sent?: { json: string; at: number };
  private sending = false;
  private lastFailure?: string;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly state: AgentState,
    private readonly api: ApiClient,
    private readonly log: AgentLog,
    private readonly source: HeartbeatSource,
    private readonly intervalMs = beatInterval(),
  ) {}

  start(): void {
    this.beat();
    this.timer = setInterval(() => this.beat(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Writes the local heartbeat and reports to the server when due. */
  beat(now = Date.now()): LocalHeartbeat {
    const items = this.state.items.all();
    const waiting = unexplainedWaiting(items).length > 0;
    this.waitingSince = waiting ? (this.waitingSince ?? now) : null;
    const stop = this.source.stop();
    const health = healthOf({
      items,
      synced: this.state.base.count(),
      stop: stop && { reason: stop.reason, detail: stop.detail },
      lastError: this.source.lastError,
      lastProgressAt: this.source.lastProgressAt,
      protocol: agentProtocol(),
    });
    const beat: LocalHeartbeat = {
      pid: process.pid,
      at: now,
      intervalMs: this.intervalMs,
      lastProgressAt: this.source.lastProgressAt,
      waitingSince: this.waitingSince,
      health,
    };
    this.state.meta.set('heartbeat', JSON.stringify(beat));
    void this.report(health, now);
    return beat;
  }

  /** To the server when the health changed or the interval passed; a failure waits for the next beat. */
  private async report(health: DeviceHealthReport, now: number): Promise<void> {
    // lastProgressAt moves with every transferred chunk: it alone is not a change worth a report.
    const json = JSON.stringify({ ...health, lastProgressAt: null });
    if (this.sending || (this.sent && this.sent.json === json && now - this.sent.at < HEARTBEAT_INTERVAL_MS)) return;
    this.sending = true;
    try {
      await this.api.reportHealth(health);
      this.sent = { json, at: now };
      this.lastFailure = undefined;
    } catch (err) {
      // Offline, the report fails at every beat: logged once per kind of failure.
      const text = String((err as Error)?.message ?? err);
      if (text !== this.lastFailure) this.log.error('health.error', err);
      this.lastFailure = text;
    } finally {
      this.sending = false;
    }
  }
}
