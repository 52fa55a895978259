/** The sync protocol this build speaks. Bump MAX when adding, MIN when dropping support. */
export const PROTOCOL_VERSION = 1;
export const PROTOCOL_MIN = 1;
export const PROTOCOL_MAX = 1;
/** Request header carrying the client's protocol version. */
export const PROTOCOL_HEADER = 'skyroll-protocol';
/** Product version, reported by `GET /api/server/info` and `skyroll --version`. */
export const SKYROLL_VERSION = '0.1.0';
