import { spawn, type ChildProcess } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeJpeg, request, sha256, signupAndLogin, startTestServer, startTestServerOn, tusCreate, tusPatch } from '../testing/harness.js';

const runServer = fileURLToPath(new URL('../testing/run-server.ts', import.meta.url));
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

/** Starts `run-server.ts` as a real process and waits for its listening line. */
async function spawnServer(dataDir: string, port = 0): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', runServer, dataDir, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^Skyroll server listening on (http:\/\/\S+)$/m.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
  });
  return { url, child };
}

/** PATCHes the first `sent` bytes as a stream that then stalls, as a transfer cut mid-way. */
function stalledPatch(url: string, token: string, bytes: Uint8Array, sent: number, signal: AbortSignal) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.subarray(0, sent));
    },
  });
  return fetch(url, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${token}`,
      'tus-resumable': '1.0.0',
      'upload-offset': '0',
      'content-type': 'application/offset+octet-stream',
    },
    body,
    signal,
    duplex: 'half',
  } as RequestInit).catch(() => undefined);
}

const head = (url: string, location: string, token: string) =>
  request(url, location, { method: 'HEAD', token, headers: { 'tus-resumable': '1.0.0' } });

async function waitForOffset(url: string, location: string, token: string, atLeast: number) {
  for (let i = 0; i < 100; i++) {
    const res = await head(url, location, token);
    const offset = Number(res.headers.get('upload-offset'));
    if (offset >= atLeast) return offset;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('offset never reached');
}

describe('crash safety', () => {
  // Spawning a process under tsx takes seconds on a loaded machine: a generous timeout.
  it('resumes an upload from the server offset after the server is killed (kill -9)', { timeout: 120_000 }, async () => {
    const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'skyroll-crash-'));
    const first = await spawnServer(dataDir);
    const session = await signupAndLogin(first.url);
    const bytes = await makeJpeg(40, undefined, { width: 400, height: 400 });
    const checksum = sha256(bytes);
    const created = await tusCreate(first.url, session.token, { size: bytes.length, checksum, filename: 'big.jpg' });
    const location = created.headers.get('location')!;

    const half = Math.floor(bytes.length / 2);
    const cut = new AbortController();
    void stalledPatch(first.url + location, session.token, bytes, half, cut.signal);
    // Let the server write what it received, then kill it without warning.
    await new Promise((r) => setTimeout(r, 300));
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    cut.abort();

    const second = await startTestServerOn(dataDir);
    try {
      const offset = Number((await head(second.url, location, session.token)).headers.get('upload-offset'));
      expect(offset).toBe(half);
      expect((await tusPatch(second.url, session.token, location, offset, bytes.subarray(offset))).status).toBe(204);
      const commit = await request(second.url, '/api/assets', { token: session.token, json: { checksum, path: 'big.jpg' } });
      expect(commit.status).toBe(200);
      const original = await fetch(`${second.url}/api/assets/${commit.body.asset.id}/original`, {
        headers: { authorization: `Bearer ${session.token}` },
      });
      expect(sha256(new Uint8Array(await original.arrayBuffer()))).toBe(checksum);
    } finally {
      await second.close();
    }
  });

  it('keeps the bytes of a transfer the client abandoned', async () => {
    const server = await startTestServer();
    try {
      const session = await signupAndLogin(server.url);
      const bytes = await makeJpeg(41, undefined, { width: 300, height: 300 });
      const created = await tusCreate(server.url, session.token, { size: bytes.length, checksum: sha256(bytes), filename: 'a.jpg' });
      const location = created.headers.get('location')!;
      const cut = new AbortController();
      const patch = stalledPatch(server.url + location, session.token, bytes, 1000, cut.signal);
      // Wait until the server holds the bytes, then the client goes away.
      await new Promise((r) => setTimeout(r, 200));
      cut.abort();
      await patch;
      const offset = await waitForOffset(server.url, location, session.token, 1000);
      expect(offset).toBe(1000);
      expect((await tusPatch(server.url, session.token, location, offset, bytes.subarray(offset))).status).toBe(204);
    } finally {
      await server.close();
    }
  });
});
