import { Transform, type Readable } from 'node:stream';

/** A byte rate shared by every transfer of the agent (SKYROLL_UPLOAD_LIMIT, bytes per second). */
export class RateLimiter {
  private nextFree = 0;

  constructor(readonly bytesPerSecond: number) {}

  static fromEnv(value = process.env.SKYROLL_UPLOAD_LIMIT): RateLimiter | undefined {
    const rate = Number(value);
    return value && Number.isFinite(rate) && rate > 0 ? new RateLimiter(rate) : undefined;
  }

  /** Resolves when `bytes` more may be sent. */
  async take(bytes: number): Promise<void> {
    const now = Date.now();
    this.nextFree = Math.max(now, this.nextFree) + (bytes * 1000) / this.bytesPerSecond;
    const wait = this.nextFree - now - (bytes * 1000) / this.bytesPerSecond;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  /** A read size small enough to keep the rate smooth. */
  get readSize(): number {
    return Math.max(1024, Math.min(64 * 1024, Math.floor(this.bytesPerSecond / 10)));
  }
}

export function throttled(source: Readable, limiter: RateLimiter): Transform {
  const out = new Transform({
    transform(chunk: Buffer, _enc, done) {
      limiter.take(chunk.length).then(() => done(null, chunk), done);
    },
  });
  source.on('error', (err) => out.destroy(err));
  return source.pipe(out);
}
