import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { finished, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import type { BlobsConfig } from '../config.js';
import type { BlobStore, ByteRange } from './blob-store.js';

export type S3BlobsConfig = Extract<BlobsConfig, { kind: 's3' }>;

const MIB = 1024 ** 2;
/** S3's limits on multipart uploads: every part but the last at least 5 MiB, at most 10,000 parts. */
const MIN_PART_SIZE = 5 * MIB;
const MAX_PARTS = 10_000;

export interface S3Tuning {
  /** Files larger than this go up in parts; the others in one PUT. */
  multipartThreshold: number;
  /** Bytes per part (at least 5 MiB; larger when a file would need more than 10,000 parts). */
  partSize: number;
  /** Parts of one file in flight at once. */
  partConcurrency: number;
  /** Tries of one PUT or part (the SDK cannot replay a streamed body: each try re-reads the file). */
  attempts: number;
}

export const DEFAULT_S3_TUNING: S3Tuning = { multipartThreshold: 64 * MIB, partSize: 16 * MIB, partConcurrency: 4, attempts: 3 };

/** The SDK's own warnings would go to the console, between the pino JSON lines on stderr. */
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Blob store on S3 or an S3-compatible server (MinIO, Ceph RGW, Garage, R2). Bodies stream from
 * and to disk: memory per import is a few stream buffers per part in flight, whatever the file's
 * size. An object becomes visible only when its PUT or CompleteMultipartUpload succeeds (S3's
 * semantics), and every PUT and part carries Content-MD5, so the server refuses bytes that
 * changed on the way: no partial or corrupt original is ever under its real key.
 */
export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly tuning: S3Tuning;

  constructor(
    private readonly config: S3BlobsConfig,
    tuning: Partial<S3Tuning> = {},
  ) {
    this.bucket = config.bucket;
    this.prefix = config.prefix;
    this.tuning = { ...DEFAULT_S3_TUNING, ...tuning };
    // The SDK prints a multi-line notice on Node < 22 (its releases after January 2027 will need
    // 22) to stderr, where only pino JSON belongs; the README says it. Set it to 'false' to see it.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      // Credentials: the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, instance roles).
      // Checksums only where S3 requires them: the SDK's default (CRC32 trailers on every PUT)
      // is not understood by many S3-compatible servers; Content-MD5 below covers integrity.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      logger: quiet,
      requestHandler: {
        connectionTimeout: 10_000,
        // A dead connection fails instead of hanging; generous, since a download paused by a
        // slow client (backpressure) leaves its S3 socket idle too.
        socketTimeout: 5 * 60_000,
        // Each download in progress holds a socket for as long as its client reads.
        httpAgent: { keepAlive: true, maxSockets: 256 },
        httpsAgent: { keepAlive: true, maxSockets: 256 },
      },
    });
  }

  /** Where this store lives, as an operator would look for it. */
  describe(): string {
    return `bucket "${this.bucket}" at ${this.config.endpoint ?? `AWS S3 (${this.config.region})`}`;
  }

  /** Fails, saying what to check, unless the bucket answers with these credentials. */
  async init(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      const status = statusOf(err);
      const reason =
        status === 404
          ? 'no such bucket (create it first)'
          : status === 403 || status === 401
            ? 'access denied (check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the bucket policy)'
            : errorText(err);
      throw new Error(`--blobs: the S3 ${this.describe()} is not reachable: ${reason}`, { cause: err });
    }
  }

  async importFile(key: string, localPath: string): Promise<void> {
    const objectKey = this.objectKey(key);
    const { size } = await fsp.stat(localPath);
    if (size > this.tuning.multipartThreshold) await this.putInParts(objectKey, localPath, size);
    else await this.putWhole(objectKey, localPath, size);
    // The bytes are in the bucket; the local file was given to the store. On failure it stays,
    // so the caller can try again (the upload service does at the next start).
    await fsp.rm(localPath, { force: true });
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return head.ContentLength;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  read(key: string, range?: ByteRange): Readable {
    const objectKey = this.objectKey(key);
    return new LazyObjectStream(async (abortSignal) => {
      let object;
      try {
        object = await this.client.send(
          new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
          { abortSignal },
        );
      } catch (err) {
        if (statusOf(err) === 404) throw Object.assign(new Error(`no blob under ${key}`, { cause: err }), { code: 'ENOENT' });
        throw err;
      }
      const body = object.Body;
      if (!(body instanceof Readable)) throw new Error(`S3 GetObject of ${key}: no body stream`);
      // A server that ignored Range would send the whole object where the client asked for a slice.
      if (range && !object.ContentRange?.startsWith(`bytes ${range.start}-`)) {
        body.destroy();
        throw new Error(`S3 GetObject of ${key}: asked for bytes ${range.start}-${range.end}, got ${object.ContentRange ?? 'the whole object'}`);
      }
      return body;
    });
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a key that holds nothing: deleting twice is fine.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  private objectKey(key: string): string {
    if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
      throw new Error(`not a blob key: ${key}`);
    }
    return this.prefix + key;
  }

  private async putWhole(objectKey: string, file: string, size: number): Promise<void> {
    const md5 = await md5Base64(file, size > 0 ? { start: 0, end: size - 1 } : undefined);
    await this.withRetries(() =>
      this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: objectKey, Body: fs.createReadStream(file), ContentLength: size, ContentMD5: md5 }),
      ),
    );
  }

  private async putInParts(objectKey: string, file: string, size: number): Promise<void> {
    const partSize = partSizeFor(size, this.tuning.partSize);
    const count = Math.ceil(size / partSize);
    const created = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey }));
    const uploadId = created.UploadId;
    if (!uploadId) throw new Error(`S3 CreateMultipartUpload of ${objectKey}: no UploadId`);
    try {
      const parts: CompletedPart[] = [];
      let next = 0;
      let failure: { error: unknown } | undefined;
      // Workers take the next part until all are sent or one has failed; then no new part starts.
      const worker = async () => {
        while (!failure && next < count) {
          const index = next++;
          const start = index * partSize;
          const range = { start, end: Math.min(size, start + partSize) - 1 };
          try {
            parts[index] = await this.putPart(objectKey, uploadId, index + 1, file, range);
          } catch (error) {
            failure ??= { error };
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.tuning.partConcurrency, count) }, worker));
      if (failure) throw failure.error;
      await this.client.send(
        new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      );
    } catch (err) {
      // Best effort only: a crash skips it, and some servers (s3rver) lack it. Unfinished uploads
      // are never visible as objects; a bucket lifecycle rule (AbortIncompleteMultipartUpload)
      // reclaims their parts.
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey, UploadId: uploadId })).catch(() => undefined);
      throw err;
    }
  }

  private async putPart(objectKey: string, uploadId: string, partNumber: number, file: string, range: ByteRange): Promise<CompletedPart> {
    const md5 = await md5Base64(file, range);
    const sent = await this.withRetries(() =>
      this.client.send(
        new UploadPartCommand({
          Bucket: this.bucket,
          Key: objectKey,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: fs.createReadStream(file, range),
          ContentLength: range.end - range.start + 1,
          ContentMD5: md5,
        }),
      ),
    );
    if (!sent.ETag) throw new Error(`S3 UploadPart ${partNumber} of ${objectKey}: no ETag`);
    return { PartNumber: partNumber, ETag: sent.ETag };
  }

  private async withRetries<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (err) {
        if (attempt >= this.tuning.attempts || !isTransient(err)) throw err;
        await sleep(200 * 4 ** (attempt - 1));
      }
    }
  }
}

/** The configured part size, grown (in whole MiB) for a file that would need more than 10,000 parts. */
export function partSizeFor(fileSize: number, wanted: number): number {
  const size = Math.max(MIN_PART_SIZE, wanted, Math.ceil(fileSize / MAX_PARTS));
  return Math.ceil(size / MIB) * MIB;
}

async function md5Base64(file: string, range?: ByteRange): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of fs.createReadStream(file, range)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: string }).code;
  return err.message || code || err.name;
}

/** Worth another try: the network, the server's 5xx, throttling. Not: refusals, or a local file gone. */
function isTransient(err: unknown): boolean {
  const status = statusOf(err);
  const { name, code } = (err ?? {}) as { name?: string; code?: string };
  if (status === undefined) return name !== 'CredentialsProviderError' && !(code && ['ENOENT', 'EACCES', 'EISDIR'].includes(code));
  return status >= 500 || status === 408 || status === 429 || name === 'RequestTimeout' || name === 'SlowDown';
}

/**
 * A Readable that sends its GET when first read (a stream dropped unread, as on a 304, costs no
 * request) and aborts it when destroyed (a client gone mid-download frees its S3 connection).
 */
class LazyObjectStream extends Readable {
  private body?: Readable;
  private opening = false;
  private readonly abort = new AbortController();

  constructor(private readonly open: (signal: AbortSignal) => Promise<Readable>) {
    super();
  }

  override _read(): void {
    if (this.body) {
      this.body.resume();
      return;
    }
    if (this.opening) return;
    this.opening = true;
    this.open(this.abort.signal).then(
      (body) => {
        if (this.destroyed) {
          body.destroy();
          return;
        }
        this.body = body;
        body.on('data', (chunk: Buffer) => {
          if (!this.push(chunk)) body.pause();
        });
        finished(body, (err) => (err ? this.destroy(err) : this.push(null)));
      },
      (err: Error) => this.destroy(err),
    );
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.abort.abort();
    this.body?.destroy();
    callback(err);
  }
}
