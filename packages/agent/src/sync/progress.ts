import cliProgress from 'cli-progress';

/** Bytes to move and bytes moved; a bar on a terminal, silence otherwise. */
export interface Progress {
  add(bytes: number): void;
  advance(bytes: number): void;
  stop(): void;
}

export function createProgress(tty = Boolean(process.stderr.isTTY)): Progress {
  if (!tty) return { add() {}, advance() {}, stop() {} };
  let total = 0;
  let value = 0;
  let bar: cliProgress.SingleBar | undefined;
  return {
    add(bytes) {
      total += bytes;
      if (!bar && total > 4 * 1024 * 1024) {
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: 'Syncing [{bar}] {percentage}% | {value}/{total} MB', clearOnComplete: true, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(mb(total), mb(value));
      }
      bar?.setTotal(mb(total));
    },
    advance(bytes) {
      value += bytes;
      bar?.update(mb(value));
    },
    stop() {
      bar?.stop();
      bar = undefined;
      total = value = 0;
    },
  };
}

function mb(bytes: number): number {
  return Math.round(bytes / 1e5) / 10;
}
