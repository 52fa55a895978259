/** Runs transfers in the background, a few at a time per direction, one per key. */
export type TransferTask = (signal: AbortSignal) => Promise<void>;

class Pool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

export class TransferQueue {
  private readonly pools = { upload: new Pool(4), download: new Pool(4) };
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(private readonly onSettled: () => void = () => {}) {}

  has(key: string): boolean {
    return this.active.has(key);
  }

  get size(): number {
    return this.active.size;
  }

  add(key: string, direction: 'upload' | 'download', task: TransferTask): void {
    if (this.active.has(key)) return;
    const controller = new AbortController();
    const done = this.pools[direction]
      .run(() => (controller.signal.aborted ? Promise.resolve() : task(controller.signal)))
      .catch(() => {})
      .finally(() => {
        this.active.delete(key);
        this.onSettled();
      });
    this.active.set(key, { controller, done });
  }

  /** Resolves once every transfer (including ones added meanwhile) has settled. */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.all([...this.active.values()].map((t) => t.done));
  }

  abort(key: string): void {
    this.active.get(key)?.controller.abort();
  }

  abortAll(): void {
    for (const t of this.active.values()) t.controller.abort();
  }
}
