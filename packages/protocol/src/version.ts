/** The sync protocol this build speaks (2: metadata, albums and album journal entries). Bump MAX when adding, MIN when dropping support. */
export const PROTOCOL_VERSION = 2;
export const PROTOCOL_MIN = 2;
export const PROTOCOL_MAX = 2;
/** Request header carrying the client's protocol version. */
export const PROTOCOL_HEADER = 'skyroll-protocol';
/** Product version, reported by `GET /api/server/info` and `skyroll --version`. */
export const SKYROLL_VERSION = '0.1.0';
