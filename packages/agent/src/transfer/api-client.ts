/** The server's HTTP API, one method per route of the protocol, errors as SkyrollError values. */
import {
  AlbumAssetsResponse,
  AlbumResponse,
  AlbumsResponse,
  Asset,
  AssetsResponse,
  CheckResponse,
  CommitResponse,
  DeviceSettings,
  DevicesResponse,
  ERRORS,
  MeResponse,
  ServerInfo,
  JournalPage,
  LoginResponse,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  PurgeResponse,
  ROUTES,
  SignupResponse,
  SkyrollError,
  StorageDetails,
  isErrorCode,
  type DeviceHealthReport,
  type AssetMetadataPatch,
  type DeviceSettingsPatch,
  type ErrorCode,
} from '@skyroll/protocol';
import type { z } from 'zod';

/** The server could not be reached at all (no HTTP answer). */
export class OfflineError extends Error {
  readonly detailText?: string;

  constructor(
    readonly server: string,
    cause: unknown,
  ) {
    super(`cannot reach the server at ${server}${cause instanceof Error ? ` (${causeText(cause)})` : ''}`);
    this.detailText = cause instanceof Error ? causeText(cause) : undefined;
    this.name = 'OfflineError';
  }
}

export interface CommitInput {
  checksum: string;
  path: string;
  mtime?: number;
  replaces?: { assetId: string; checksum: string };
}

/**
 * The protocol this agent speaks. SKYROLL_PROTOCOL_VERSION makes it claim another one: how the
 * tests play an agent older (or newer) than the server's range.
 */
export function agentProtocol(): number {
  const claimed = process.env.SKYROLL_PROTOCOL_VERSION;
  return claimed !== undefined && /^\d+$/.test(claimed) ? Number(claimed) : PROTOCOL_VERSION;
}

export class ApiClient {
  constructor(
    public server: string,
    private token?: string,
  ) {}

  /** A `skyroll login` while the agent runs: later requests go as the new device. */
  useLogin(server: string, token: string): void {
    this.server = server;
    this.token = token;
  }

  get signedInWith(): string | undefined {
    return this.token;
  }

  /** Headers every request carries (also used by the tus uploads). */
  headers(): Record<string, string> {
    return {
      [PROTOCOL_HEADER]: String(agentProtocol()),
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
    };
  }

  url(path: string): string {
    return new URL(path, this.server).toString();
  }

  signup(email: string, password: string) {
    return this.json('POST', ROUTES.signup, SignupResponse, { email, password });
  }

  /** A device sign-in: the server answers its bearer token (only browser sessions go without one). */
  login(email: string, password: string, deviceName: string) {
    return this.json('POST', ROUTES.login, LoginResponse.required({ token: true }), { email, password, deviceName });
  }

  info() {
    return this.json('GET', ROUTES.info, ServerInfo);
  }

  me() {
    return this.json('GET', ROUTES.me, MeResponse);
  }

  devices() {
    return this.json('GET', ROUTES.devices, DevicesResponse);
  }

  async revokeDevice(deviceId: string): Promise<void> {
    await this.send('DELETE', ROUTES.device(deviceId));
  }

  async reportHealth(report: DeviceHealthReport): Promise<void> {
    await this.send('PUT', ROUTES.myHealth, report, { signal: AbortSignal.timeout(10_000) });
  }

  check(checksums: string[]) {
    return this.json('POST', ROUTES.check, CheckResponse, { checksums });
  }

  commit(input: CommitInput) {
    return this.json('POST', ROUTES.assets, CommitResponse, input);
  }

  journal(after: number, limit = 500, signal?: AbortSignal) {
    return this.json('GET', `${ROUTES.journal}?after=${after}&limit=${limit}`, JournalPage, undefined, signal);
  }

  /** Favorite / hidden / caption of many assets at once, as of `patch.hlc` (answers the winners). */
  updateMetadata(assetIds: string[], patch: AssetMetadataPatch, signal?: AbortSignal) {
    return this.json('POST', ROUTES.assetsMetadata, AssetsResponse, { ...patch, assetIds }, signal);
  }

  albums(signal?: AbortSignal) {
    return this.json('GET', `${ROUTES.albums}?deleted=true`, AlbumsResponse, undefined, signal);
  }

  /** Idempotent by `id`: a retried creation answers the album made the first time. */
  createAlbum(id: string, name: string, hlc: string, signal?: AbortSignal) {
    return this.json('POST', ROUTES.albums, AlbumResponse, { id, name, hlc }, signal);
  }

  renameAlbum(id: string, name: string, hlc: string, signal?: AbortSignal) {
    return this.json('PATCH', ROUTES.album(id), AlbumResponse, { name, hlc }, signal);
  }

  /** The album's tombstone when the server answers one (it may answer 204). */
  async deleteAlbum(id: string, hlc: string, signal?: AbortSignal): Promise<z.infer<typeof AlbumResponse> | undefined> {
    const res = await this.send('DELETE', ROUTES.album(id), { hlc }, { signal });
    const parsed = AlbumResponse.safeParse(await res.json().catch(() => undefined));
    return parsed.success ? parsed.data : undefined;
  }

  addToAlbum(id: string, assetIds: string[], hlc: string, signal?: AbortSignal) {
    return this.json('POST', ROUTES.albumAssets(id), AlbumAssetsResponse, { assetIds, hlc }, signal);
  }

  removeFromAlbum(id: string, assetIds: string[], hlc: string, signal?: AbortSignal) {
    return this.json('DELETE', ROUTES.albumAssets(id), AlbumAssetsResponse, { assetIds, hlc }, signal);
  }

  trash(assetIds: string[]) {
    return this.json('POST', ROUTES.trash, AssetsResponse, { assetIds });
  }

  restore(assetIds: string[]) {
    return this.json('POST', ROUTES.restore, AssetsResponse, { assetIds });
  }

  trashList() {
    return this.json('GET', ROUTES.trashList, AssetsResponse);
  }

  emptyTrash() {
    return this.json('POST', ROUTES.trashEmpty, PurgeResponse);
  }

  storage() {
    return this.json('GET', ROUTES.storage, StorageDetails);
  }

  settings() {
    return this.json('GET', ROUTES.mySettings, DeviceSettings);
  }

  updateSettings(patch: DeviceSettingsPatch) {
    return this.json('PATCH', ROUTES.mySettings, DeviceSettings, patch);
  }

  /** GET of an asset's preview (JPEG, long edge ≤ 2048 px); NOT_FOUND while not yet made. */
  async preview(assetId: string, signal?: AbortSignal): Promise<Response> {
    return this.send('GET', ROUTES.preview(assetId), undefined, { signal });
  }

  move(assetId: string, path: string) {
    return this.json('PATCH', ROUTES.asset(assetId), Asset, { path });
  }

  /** GET of an original from a byte offset (HTTP Range). */
  async original(assetId: string, from: number, signal?: AbortSignal): Promise<Response> {
    return this.send('GET', ROUTES.original(assetId), undefined, { signal, headers: from > 0 ? { range: `bytes=${from}-` } : {} });
  }

  /** The SSE stream of journal pokes. */
  async events(signal: AbortSignal): Promise<Response> {
    return this.send('GET', ROUTES.events, undefined, { signal, headers: { accept: 'text/event-stream' } });
  }

  private async json<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown, signal?: AbortSignal): Promise<z.infer<S>> {
    const res = await this.send(method, path, body, { signal });
    const parsed = schema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new SkyrollError('INTERNAL', `unexpected answer from the server to ${method} ${path}`);
    return parsed.data;
  }

  async send(
    method: string,
    path: string,
    body?: unknown,
    init: { signal?: AbortSignal; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.url(path), {
        method,
        headers: { ...this.headers(), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: init.signal ?? AbortSignal.timeout(60_000),
      });
    } catch (err) {
      if (init.signal?.aborted) throw err;
      throw new OfflineError(this.server, err);
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  }
}

/** An error response as a SkyrollError: the server's code when it sent one, else one from the status. */
export async function errorOf(res: Response): Promise<SkyrollError> {
  const text = await res.text().catch(() => '');
  return errorFromBody(res.status, text);
}

export function errorFromBody(status: number, text: string): SkyrollError {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: Record<string, unknown> } };
    const code = body.error?.code;
    if (isErrorCode(code)) {
      const message = typeof body.error?.message === 'string' ? body.error.message : undefined;
      return new SkyrollError(code, message, body.error?.details);
    }
  } catch {
    // Not JSON: fall back to the status.
  }
  return new SkyrollError(codeOfStatus(status), text.trim().slice(0, 200) || undefined);
}

function codeOfStatus(status: number): ErrorCode {
  const byStatus: Record<number, ErrorCode> = {
    401: 'UNAUTHORIZED',
    404: 'NOT_FOUND',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA',
    423: 'UPLOAD_LOCKED',
    426: 'UPDATE_REQUIRED',
    429: 'RATE_LIMITED',
    507: 'QUOTA_EXCEEDED',
  };
  return byStatus[status] ?? (status >= 500 ? 'INTERNAL' : (Object.keys(ERRORS).find((c) => ERRORS[c as ErrorCode].status === status) as ErrorCode | undefined) ?? 'BAD_REQUEST');
}

function causeText(err: Error): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}
