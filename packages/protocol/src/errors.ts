/**
 * The one catalogue of errors a user can act on. The server maps each code to its HTTP status
 * once (httpStatus); the CLI maps each to a sentence once (see the agent's messages).
 */
export const ERRORS = {
  BAD_REQUEST: { status: 400, message: 'The request is malformed' },
  VALIDATION_FAILED: { status: 400, message: 'The request does not match the expected shape' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  EMPTY_FILE: { status: 422, message: 'The file is empty (0 bytes)' },
  UNSUPPORTED_MEDIA: { status: 415, message: 'The file is not a photo or video Skyroll can store' },
  CORRUPT_MEDIA: { status: 422, message: 'The file is damaged or truncated' },
  CHECKSUM_MISMATCH: { status: 422, message: 'The uploaded bytes do not match their SHA-256' },
  INVALID_PATH: { status: 400, message: 'The path is not a safe relative path' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNAUTHORIZED: { status: 401, message: 'Sign in first: the token is missing, invalid or revoked' },
  CSRF_REQUIRED: { status: 403, message: 'A request signed in by the browser session cookie must carry the x-skyroll-csrf header' },
  INVALID_CREDENTIALS: { status: 401, message: 'Wrong email or password' },
  EMAIL_TAKEN: { status: 409, message: 'An account with this email already exists' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts; wait a minute and try again' },
  NOT_FOUND: { status: 404, message: 'No such item' },
  BLOB_MISSING: { status: 409, message: 'The original has not been uploaded yet' },
  QUOTA_EXCEEDED: { status: 507, message: 'Cloud storage is full' },
  UPLOAD_LOCKED: { status: 423, message: 'The upload is in use by another request; try again shortly' },
  UPDATE_REQUIRED: { status: 426, message: 'This client is too old or too new for the server' },
  INTERNAL: { status: 500, message: 'Internal server error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** An error as a value: thrown by services, rendered once by the server and once by the CLI. */
export class SkyrollError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'SkyrollError';
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}
