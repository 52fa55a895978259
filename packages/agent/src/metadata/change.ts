/**
 * A metadata change made on this device, as the outbox keeps it until the server has it: what
 * the person asked for, in the server's terms (asset and album ids), without its timestamp.
 */
import { z } from 'zod';

const Ids = z.array(z.string()).min(1);

export const MetadataChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('asset'), assetIds: Ids, favorite: z.boolean().optional(), hidden: z.boolean().optional(), caption: z.string().optional() }),
  z.object({ kind: z.literal('album.create'), albumId: z.string(), name: z.string() }),
  z.object({ kind: z.literal('album.rename'), albumId: z.string(), name: z.string() }),
  z.object({ kind: z.literal('album.delete'), albumId: z.string() }),
  z.object({ kind: z.literal('album.add'), albumId: z.string(), assetIds: Ids }),
  z.object({ kind: z.literal('album.remove'), albumId: z.string(), assetIds: Ids }),
]);
export type MetadataChange = z.infer<typeof MetadataChange>;

/** The assets a change names, if any (a change naming many can be split one by one). */
export function assetIdsOf(change: MetadataChange): string[] {
  return 'assetIds' in change ? change.assetIds : [];
}

/** The same change for fewer assets. */
export function withAssetIds(change: MetadataChange, assetIds: string[]): MetadataChange {
  return 'assetIds' in change ? { ...change, assetIds } : change;
}
