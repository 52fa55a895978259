import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { deviceMetadata } from '../metadata/device-metadata.js';
import { albumListings, findAlbum, type AlbumView } from '../metadata/view.js';
import type { AgentState } from '../state/state.js';
import { AgentError } from './agent-error.js';
import { deviceCommand, withState, type StateOption } from './command.js';
import { albumName, assetsOfPaths, plural, refreshFromCloud, report, submitChanges } from './metadata-edit.js';

/** `skyroll album create|add|remove|rename|delete …` and `skyroll albums [--json]`. */
export function registerAlbumCommands(program: Command): void {
  const album = program
    .command('album')
    .description('Create, fill, rename and delete albums (`skyroll albums` lists them)')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

  deviceCommand(album, 'create', 'Create an empty album')
    .argument('<name>', 'the album name')
    .action((name: string, opts: StateOption) =>
      withState(opts, async (state) => {
        const wanted = albumName(name);
        await refreshFromCloud(state);
        const existing = findAlbum(deviceMetadata(state).view, wanted);
        if (existing?.name === wanted) throw new AgentError(`An album named "${wanted}" already exists.`);
        report(await submitChanges(state, [{ kind: 'album.create', albumId: randomUUID(), name: wanted }]), `Created the album "${wanted}"`);
      }),
    );

  deviceCommand(album, 'add', 'Add photos and videos of the synced folder to an album (created when missing)')
    .argument('<name>', 'the album name')
    .argument('<path...>', 'files (or folders) in the synced folder')
    .action((name: string, paths: string[], opts: StateOption) =>
      withState(opts, async (state) => {
        const wanted = albumName(name);
        const assetIds = assetsOfPaths(state, paths);
        await refreshFromCloud(state);
        const existing = findAlbum(deviceMetadata(state).view, wanted);
        const albumId = existing?.id ?? randomUUID();
        const create = existing ? [] : [{ kind: 'album.create' as const, albumId, name: wanted }];
        const delivery = await submitChanges(state, [...create, { kind: 'album.add', albumId, assetIds }]);
        report(delivery, `Added ${plural(assetIds.length, 'item')} to ${existing ? '' : 'the new album '}"${existing?.name ?? wanted}"`);
      }),
    );

  deviceCommand(album, 'remove', 'Take photos and videos out of an album (they stay in the library)')
    .argument('<name>', 'the album name')
    .argument('<path...>', 'files (or folders) in the synced folder')
    .action((name: string, paths: string[], opts: StateOption) =>
      withState(opts, async (state) => {
        const assetIds = assetsOfPaths(state, paths);
        const target = await existingAlbum(state, name);
        const delivery = await submitChanges(state, [{ kind: 'album.remove', albumId: target.id, assetIds }]);
        report(delivery, `Removed ${plural(assetIds.length, 'item')} from "${target.name}"`);
      }),
    );

  deviceCommand(album, 'rename', 'Rename an album')
    .argument('<name>', 'the album name')
    .argument('<new-name>', 'its new name')
    .action((name: string, newName: string, opts: StateOption) =>
      withState(opts, async (state) => {
        const renamed = albumName(newName);
        const target = await existingAlbum(state, name);
        report(await submitChanges(state, [{ kind: 'album.rename', albumId: target.id, name: renamed }]), `Renamed "${target.name}" to "${renamed}"`);
      }),
    );

  deviceCommand(album, 'delete', 'Delete an album (its photos and videos stay in the library)')
    .argument('<name>', 'the album name')
    .action((name: string, opts: StateOption) =>
      withState(opts, async (state) => {
        const target = await existingAlbum(state, name);
        report(await submitChanges(state, [{ kind: 'album.delete', albumId: target.id }]), `Deleted the album "${target.name}"`);
      }),
    );

  deviceCommand(program, 'albums', 'List the albums, each with its number of items and where they are in the synced folder')
    .option('--json', 'machine-readable output: { albums: [{ id, name, count, paths }] }')
    .action((opts: StateOption & { json?: boolean }) =>
      withState(opts, async (state) => {
        await refreshFromCloud(state);
        const { view, pathsOf } = deviceMetadata(state);
        const albums = albumListings(view, pathsOf);
        if (opts.json) return console.log(JSON.stringify({ albums }, null, 2));
        if (albums.length === 0) return console.log('No albums yet: `skyroll album add NAME PATH…` makes one.');
        for (const a of albums) {
          const elsewhere = a.count - a.paths.length;
          console.log(`${a.name}  (${plural(a.count, 'item')}${elsewhere > 0 ? `, ${elsewhere} not on this device` : ''})`);
          for (const path of a.paths) console.log(`  ${path}`);
        }
      }),
    );
}

/** The album NAME names, as the cloud has it now, or an error saying how to find the right name. */
async function existingAlbum(state: AgentState, name: string): Promise<AlbumView> {
  await refreshFromCloud(state);
  const found = findAlbum(deviceMetadata(state).view, name);
  if (!found) throw new AgentError(`No album named "${name}" (\`skyroll albums\` lists them).`);
  return found;
}
