import { deliverOutbox } from '../metadata/delivery.js';
import type { AgentState } from '../state/state.js';
import type { ApiClient } from '../transfer/api-client.js';
import type { AgentLog } from './agent-log.js';
import type { Failure } from './failure.js';

/** The running agent's side of the metadata outbox: one delivery at a time, shared by a pass and the outbox poll. */
export class OutboxSender {
  private delivering?: Promise<Failure | undefined>;

  constructor(
    private readonly api: ApiClient,
    private readonly state: AgentState,
    private readonly log: AgentLog,
  ) {}

  /** Whether the oldest waiting change may be sent now. */
  get due(): boolean {
    const at = this.state.outbox.headDueAt();
    return at !== undefined && at <= Date.now();
  }

  /** When the oldest change waits out its backoff until (epoch ms), if it does. */
  get waitingUntil(): number | undefined {
    const at = this.state.outbox.headDueAt();
    return at !== undefined && at > Date.now() ? at : undefined;
  }

  /** Sends what is due; the failure that stopped delivery (unreachable, signed out), if any. */
  send(): Promise<Failure | undefined> {
    this.delivering ??= this.deliver().finally(() => (this.delivering = undefined));
    return this.delivering;
  }

  private async deliver(): Promise<Failure | undefined> {
    if (!this.due) return undefined;
    try {
      return (await deliverOutbox(this.api, this.state, this.log, { owner: `agent:${process.pid}` })).failure;
    } catch (err) {
      this.log.error('metadata.error', err);
      return undefined;
    }
  }
}
