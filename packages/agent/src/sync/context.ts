import type { Action } from '../reconcile.js';
import type { AgentState } from '../state/state.js';
import type { ApiClient } from '../transfer/api-client.js';
import type { RateLimiter } from '../transfer/throttle.js';
import type { AgentLog } from './agent-log.js';
import type { Failure } from './failure.js';
import type { Progress } from './progress.js';

/** What the acting parts (executor, pusher, puller) share. */
export interface SyncContext {
  folder: string;
  state: AgentState;
  api: ApiClient;
  log: AgentLog;
  limiter?: RateLimiter;
  progress: Progress;
  /** An action could not be done: the engine records the item and decides when to retry. */
  report: (action: Action, failure: Failure) => void;
  /** The agent freed (positive) or wrote (negative) bytes on the device's disk. */
  disk: (bytes: number) => void;
  /** An action was done. */
  completed: (action: Action) => void;
}
