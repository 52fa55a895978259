import os from 'node:os';

/**
 * How many originals are turned into derivatives at once: one per core, so a big import uses
 * the machine without queueing decodes behind each other. `SKYROLL_MEDIA_CONCURRENCY` overrides
 * it (a small server that must keep cores for sync, or a big one sharing its cores).
 */
export function mediaConcurrency(env: NodeJS.ProcessEnv = process.env): number {
  const override = Number(env.SKYROLL_MEDIA_CONCURRENCY);
  return Number.isInteger(override) && override > 0 ? override : os.availableParallelism();
}
