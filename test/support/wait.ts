/** Polling with a deadline and a failure message that says what was awaited. */
export function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}

/**
 * Polls `predicate` until it returns a truthy value (returned) or `timeoutMs` passes; then fails
 * saying what was awaited, the last error the predicate threw, and `explain()` if given.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  timeoutMs: number,
  what: string,
  options: { intervalMs?: number; explain?: () => string | Promise<string> } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(options.intervalMs ?? 200);
  }
  let message = `Timed out after ${timeoutMs} ms waiting for ${what}`;
  if (lastError) message += `\nlast error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
  if (options.explain) {
    try {
      message += `\n${await options.explain()}`;
    } catch (err) {
      message += `\n(explain failed: ${String(err)})`;
    }
  }
  throw new Error(message);
}
