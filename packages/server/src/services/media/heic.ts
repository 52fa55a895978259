import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { mediaConcurrency } from './concurrency.js';

/** Decoded pixels: 8-bit RGBA, rows top to bottom, transformations (irot, imir) applied. */
export interface RgbaImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * HEIC/HEIF through libheif compiled to WebAssembly (heic-decode), because the prebuilt libvips
 * in sharp cannot decode HEVC. WebAssembly runs on the thread that calls it, and a 12 MP photo
 * takes about a second: decoding runs in worker threads so requests (sync) never wait on it.
 * The workers' code is inline (plain JavaScript): it runs the same from sources and from the
 * bundled CLI.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const decode = require(workerData.heicDecode);
// libheif prints its reasons to the console; they become the task's error instead.
let said = [];
console.log = console.warn = console.error = (...args) =>
  said.push(args.map((a) => (typeof a === 'string' ? a : (a && a.message) || '')).join(' '));
parentPort.on('message', async ({ op, bytes }) => {
  said = [];
  try {
    const buffer = new Uint8Array(bytes);
    if (op === 'probe') {
      const images = await decode.all({ buffer });
      const { width, height } = images[0];
      images.dispose();
      parentPort.postMessage({ width, height });
    } else {
      const { width, height, data } = await decode({ buffer });
      const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      parentPort.postMessage({ width, height, data: pixels }, [pixels.buffer]);
    }
  } catch (err) {
    parentPort.postMessage({ error: [...said, (err && err.message) || String(err)].join('; ').replace(/\s+/g, ' ').trim() });
  }
});
`;

/** An idle worker is kept this long for the next photo of an import, then ended. */
const IDLE_MS = 30_000;

type Op = 'probe' | 'decode';
interface Task {
  op: Op;
  bytes: Uint8Array;
  resolve: (value: RgbaImage | { width: number; height: number }) => void;
  reject: (err: Error) => void;
}
interface Slot {
  worker: Worker;
  task?: Task;
  idle?: NodeJS.Timeout;
}

class HeicWorkers {
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private readonly heicDecode = createRequire(import.meta.url).resolve('heic-decode');

  constructor(private readonly size: number) {}

  run(op: Op, bytes: Uint8Array): Promise<RgbaImage | { width: number; height: number }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, bytes, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = [...this.slots].find((s) => !s.task) ?? (this.slots.size < this.size ? this.spawn() : undefined);
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.task = task;
      clearTimeout(slot.idle);
      slot.worker.ref();
      slot.worker.postMessage({ op: task.op, bytes: task.bytes });
    }
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { heicDecode: this.heicDecode } });
    const slot: Slot = { worker };
    worker.on('message', (message: { error?: string; width: number; height: number; data?: Uint8Array }) => {
      const task = slot.task;
      slot.task = undefined;
      // An idle worker must not keep the process alive.
      worker.unref();
      slot.idle = setTimeout(() => this.retire(slot), IDLE_MS).unref();
      if (message.error) task?.reject(new Error(`HEIC could not be decoded: ${message.error}`));
      else task?.resolve(message.data ? { data: message.data, width: message.width, height: message.height } : message);
      this.dispatch();
    });
    // A worker that dies (WebAssembly out of memory, an abort in libheif) fails its photo only.
    const died = (err: Error) => {
      this.slots.delete(slot);
      clearTimeout(slot.idle);
      slot.task?.reject(new Error(`HEIC could not be decoded: ${err.message}`));
      slot.task = undefined;
      this.dispatch();
    };
    worker.on('error', died);
    worker.on('exit', (code) => {
      if (this.slots.has(slot)) died(new Error(`the decoder stopped (exit code ${code})`));
    });
    this.slots.add(slot);
    return slot;
  }

  private retire(slot: Slot): void {
    if (slot.task) return;
    this.slots.delete(slot);
    void slot.worker.terminate();
  }
}

let workers: HeicWorkers | undefined;
const pool = () => (workers ??= new HeicWorkers(mediaConcurrency()));

/** Dimensions as displayed (after the container's rotation), without decoding the pixels. */
export async function probeHeic(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  const { width, height } = await pool().run('probe', bytes);
  return { width, height };
}

/** The primary image's pixels; rejects with the decoder's reason on a damaged or truncated file. */
export async function decodeHeic(bytes: Uint8Array): Promise<RgbaImage> {
  return (await pool().run('decode', bytes)) as RgbaImage;
}
