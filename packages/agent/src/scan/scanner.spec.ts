import { mkdtempSync, mkdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentState } from '../state/state.js';
import { scanFolder } from './scanner.js';

describe('scanFolder', () => {
  let folder: string;
  let state: AgentState;
  const old = new Date(Date.now() - 60_000);

  function put(path: string, content: string | Buffer): void {
    mkdirSync(join(folder, path, '..'), { recursive: true });
    writeFileSync(join(folder, path), content);
    utimesSync(join(folder, path), old, old);
  }

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'skyroll-scan-'));
    state = AgentState.open(mkdtempSync(join(tmpdir(), 'skyroll-state-')));
  });
  afterEach(() => state.close());

  it('reports media, excludes the rest, skips dotfiles and .skyroll', async () => {
    put('a.JPG', 'jpeg bytes');
    put('trip/b.mov', 'movie');
    put('notes.txt', 'text');
    put('empty.jpg', '');
    put('.hidden.jpg', 'hidden');
    put('.skyroll/tmp/x.part', 'partial');
    const scan = await scanFolder(folder, state.hashes);
    expect(scan.files.map((f) => f.path)).toEqual(['a.JPG', 'trip/b.mov']);
    expect(scan.files[0].checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(scan.excluded.map((e) => e.path).sort()).toEqual(['empty.jpg', 'notes.txt']);
    expect(scan.hashed).toBe(2);
  });

  it('never hashes an unchanged file twice, even renamed', async () => {
    put('a.jpg', 'one');
    put('b.jpg', 'two');
    expect((await scanFolder(folder, state.hashes)).hashed).toBe(2);
    expect((await scanFolder(folder, state.hashes)).hashed).toBe(0);
    renameSync(join(folder, 'a.jpg'), join(folder, 'c.jpg'));
    const again = await scanFolder(folder, state.hashes);
    expect(again.hashed).toBe(0);
    expect(again.files.map((f) => f.path)).toEqual(['b.jpg', 'c.jpg']);
  });

  it('hashes a file again once its bytes change', async () => {
    put('a.jpg', 'one');
    const first = await scanFolder(folder, state.hashes);
    put('a.jpg', 'changed');
    const second = await scanFolder(folder, state.hashes);
    expect(second.hashed).toBe(1);
    expect(second.files[0].checksum).not.toBe(first.files[0].checksum);
  });

  it('leaves a file that was just written for a later pass', async () => {
    writeFileSync(join(folder, 'fresh.jpg'), 'still being written');
    const scan = await scanFolder(folder, state.hashes, { quietMs: 60_000 });
    expect(scan.busy).toEqual(['fresh.jpg']);
    expect(scan.files).toEqual([]);
  });
});
