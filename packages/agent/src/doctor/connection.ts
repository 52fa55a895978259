/**
 * The way to the server, step by step — DNS, TCP, TLS, HTTP — each timed, so a failure says
 * exactly where it happened ("TCP connection refused", "TLS certificate expired").
 */
import { lookup } from 'node:dns/promises';
import { isIP, connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { PROTOCOL_HEADER, ROUTES } from '@skyroll/protocol';

export type StepName = 'dns' | 'tcp' | 'tls' | 'http';

export interface Step {
  name: StepName;
  ok: boolean;
  ms: number;
  /** What happened: an address, an HTTP status, or the error. */
  detail: string;
}

export interface ConnectionReport {
  server: string;
  ok: boolean;
  steps: Step[];
  /** The failed step's sentence, when one failed. */
  failure?: string;
  /** The HTTP status of the server's info route, when it answered at all. */
  status?: number;
}

const STEP_TIMEOUT_MS = 5_000;

export async function probeConnection(server: string, protocol: number, timeoutMs = STEP_TIMEOUT_MS): Promise<ConnectionReport> {
  const url = new URL(server);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  const steps: Step[] = [];
  const fail = (step: Step, sentence: string): ConnectionReport => ({ server, ok: false, steps: [...steps, step], failure: sentence });

  let address = host;
  if (!isIP(host)) {
    const t = performance.now();
    try {
      address = (await withTimeout(lookup(host), timeoutMs, 'timed out')).address;
      steps.push({ name: 'dns', ok: true, ms: since(t), detail: address });
    } catch (err) {
      const code = codeOf(err);
      return fail({ name: 'dns', ok: false, ms: since(t), detail: code }, `DNS lookup of ${host} failed (${code})`);
    }
  }

  let t = performance.now();
  let socket: Socket;
  try {
    socket = await openTcp(address, port, timeoutMs);
    steps.push({ name: 'tcp', ok: true, ms: since(t), detail: `${address}:${port}` });
  } catch (err) {
    const code = codeOf(err);
    const what = code === 'ECONNREFUSED' ? 'connection refused: nothing listens there' : code === 'ETIMEDOUT' ? 'timed out' : code;
    return fail({ name: 'tcp', ok: false, ms: since(t), detail: code }, `TCP connection to ${address}:${port} failed (${what}, ${code})`);
  }
  socket.destroy();

  if (secure) {
    t = performance.now();
    try {
      await openTls(host, port, timeoutMs);
      steps.push({ name: 'tls', ok: true, ms: since(t), detail: 'certificate valid' });
    } catch (err) {
      const code = codeOf(err);
      return fail({ name: 'tls', ok: false, ms: since(t), detail: code }, `TLS handshake with ${host}:${port} failed (${code})`);
    }
  }

  t = performance.now();
  try {
    const res = await fetch(new URL(ROUTES.info, server), {
      headers: { [PROTOCOL_HEADER]: String(protocol) },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    // 426 is an answer (the version check explains it); anything else not 2xx is not a Skyroll server at work.
    const answered = res.ok || res.status === 426;
    const step: Step = { name: 'http', ok: answered, ms: since(t), detail: `HTTP ${res.status}` };
    if (!answered) return { ...fail(step, `the server at ${server} answered HTTP ${res.status} to ${ROUTES.info}`), status: res.status };
    steps.push(step);
    return { server, ok: true, steps, status: res.status };
  } catch (err) {
    const code = codeOf(err);
    return fail({ name: 'http', ok: false, ms: since(t), detail: code }, `HTTP request to ${server} failed (${code})`);
  }
}

/** "DNS 1 ms, TCP 0 ms, HTTP 12 ms". */
export function formatSteps(steps: Step[]): string {
  return steps.filter((s) => s.ok).map((s) => `${s.name.toUpperCase()} ${s.ms} ms`).join(', ');
}

export function totalMs(steps: Step[]): number {
  return steps.reduce((sum, s) => sum + s.ms, 0);
}

function openTcp(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    });
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function openTls(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host, port, servername: isIP(host) ? undefined : host });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(message), { code: 'ETIMEDOUT' })), ms);
    }),
  ]);
}

function codeOf(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'ETIMEDOUT';
  return e?.code ?? e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

function since(t: number): number {
  return Math.round(performance.now() - t);
}
