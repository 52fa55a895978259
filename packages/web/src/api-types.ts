import type {
  AlbumAssetsResponse as AlbumAssetsResponseSchema,
  AlbumResponse as AlbumResponseSchema,
  AlbumsResponse as AlbumsResponseSchema,
  AssetResponse as AssetResponseSchema,
  AssetsResponse as AssetsResponseSchema,
  CheckResponse as CheckResponseSchema,
  CommitResponse as CommitResponseSchema,
  LoginResponse as LoginResponseSchema,
  MeResponse as MeResponseSchema,
} from '@skyroll/protocol';
import type { z } from 'zod';

/** Response shapes of the API whose types the protocol exports only as schemas. */
export type AlbumAssetsResponse = z.infer<typeof AlbumAssetsResponseSchema>;
export type AlbumResponse = z.infer<typeof AlbumResponseSchema>;
export type AlbumsResponse = z.infer<typeof AlbumsResponseSchema>;
export type AssetResponse = z.infer<typeof AssetResponseSchema>;
export type AssetsResponse = z.infer<typeof AssetsResponseSchema>;
export type CheckResponse = z.infer<typeof CheckResponseSchema>;
export type CommitResponse = z.infer<typeof CommitResponseSchema>;
export type LoginResponse = z.infer<typeof LoginResponseSchema>;
export type MeResponse = z.infer<typeof MeResponseSchema>;
