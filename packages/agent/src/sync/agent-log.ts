import { appendFileSync } from 'node:fs';

/** STATE/agent.log: one JSON object per line (`event` plus fields), written synchronously. */
export class AgentLog {
  constructor(private readonly file: string) {}

  write(event: string, fields: Record<string, unknown> = {}): void {
    try {
      appendFileSync(this.file, `${JSON.stringify({ ts: new Date().toISOString(), event, ...fields })}\n`);
    } catch {
      // Logging never stops sync.
    }
  }

  error(event: string, err: unknown, fields: Record<string, unknown> = {}): void {
    const e = err as { code?: string; message?: string; name?: string };
    this.write(event, { ...fields, error: { name: e?.name, code: e?.code, message: e?.message ?? String(err) } });
  }
}
