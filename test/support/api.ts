/**
 * A thin HTTP client for assertions the CLI cannot make (counting assets on the server, malformed
 * requests). It logs in as its own device, so it never borrows an agent's token.
 */
import { request as httpRequest } from 'node:http';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, ROUTES, type Asset, type JournalPage } from '@skyroll/protocol';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text. */
  body: T;
  text: string;
}

export interface RequestOptions {
  method?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (for malformed or oversized bodies). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** The protocol header's value; null leaves it out. Default: this build's version. */
  protocol?: string | null;
  token?: string | null;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    public token: string | null = null,
  ) {}

  static async login(baseUrl: string, email: string, password: string, deviceName = 'e2e-inspector'): Promise<ApiClient> {
    const client = new ApiClient(baseUrl);
    const res = await client.request<{ token: string }>(ROUTES.login, { method: 'POST', json: { email, password, deviceName } });
    if (res.status !== 200 || typeof res.body?.token !== 'string') {
      throw new Error(`POST ${ROUTES.login} as ${email}: ${res.status} ${res.text.slice(0, 500)}`);
    }
    client.token = res.body.token;
    return client;
  }

  static async signup(baseUrl: string, email: string, password: string): Promise<void> {
    const res = await new ApiClient(baseUrl).request(ROUTES.signup, { method: 'POST', json: { email, password } });
    if (res.status !== 200 && res.status !== 201) throw new Error(`POST ${ROUTES.signup}: ${res.status} ${res.text.slice(0, 500)}`);
  }

  async request<T = unknown>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const protocol = options.protocol === undefined ? String(PROTOCOL_VERSION) : options.protocol;
    if (protocol !== null) headers[PROTOCOL_HEADER] = protocol;
    const token = options.token === undefined ? this.token : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Buffer | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    } else if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.baseUrl + path, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  /** Reads the whole journal and folds it: asset id → the asset as it is now (null once purged); album entries are skipped. */
  async library(): Promise<Map<string, Asset | null>> {
    const assets = new Map<string, Asset | null>();
    let after = 0;
    for (let page = 0; page < 10_000; page++) {
      const res = await this.request<JournalPage>(`${ROUTES.journal}?after=${after}&limit=1000`);
      if (res.status !== 200) throw new Error(`GET ${ROUTES.journal}: ${res.status} ${res.text.slice(0, 500)}`);
      for (const entry of res.body.entries) if (entry.assetId !== null) assets.set(entry.assetId, entry.asset);
      if (!res.body.more) return assets;
      after = res.body.cursor;
    }
    throw new Error('journal paging did not end');
  }

  /** Assets that are neither trashed nor purged. */
  async liveAssets(): Promise<Asset[]> {
    return [...(await this.library()).values()].filter((a): a is Asset => a !== null && a.trashedAt === null);
  }

  async trashedAssets(): Promise<Asset[]> {
    return [...(await this.library()).values()].filter((a): a is Asset => a !== null && a.trashedAt !== null);
  }

  async serverInfo(): Promise<ApiResponse<{ name: string; version: string }>> {
    return this.request(ROUTES.info, { token: null });
  }
}

/** The `error.code` of an error body, or undefined. */
export function errorCode(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}

/**
 * One HTTP request with the path sent exactly as given (fetch would resolve `..` and `%2e%2e`),
 * and a body that may be cut off by the server (an early 413) without losing the response.
 */
export async function rawHttp(
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; body: unknown; text: string }> {
  // A server that answers early (413) and closes may do so while the body is still being
  // written: the write fails before the answer is read. The answer is the same each time: ask again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await rawHttpOnce(baseUrl, method, path, options);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt >= 5 || (code !== 'EPIPE' && code !== 'ECONNRESET')) throw err;
    }
  }
}

function rawHttpOnce(
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; body: unknown; text: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), ...options.headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body, text });
        });
        res.on('error', reject);
      },
    );
    // The server may answer and close before it has read the whole body (EPIPE/ECONNRESET).
    req.on('error', (err) => (responded ? undefined : reject(err)));
    let responded = false;
    req.on('response', () => (responded = true));
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}
