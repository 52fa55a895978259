import { thumbHashToDataURL } from 'thumbhash';

const cache = new Map<string, string>();
const MAX_CACHED = 5_000;

/** A thumbhash (base64) as a small PNG data URL, decoded once per hash. */
export function thumbhashUrl(thumbhash: string): string | undefined {
  const hit = cache.get(thumbhash);
  if (hit) return hit;
  try {
    const bytes = Uint8Array.from(atob(thumbhash), (c) => c.charCodeAt(0));
    const url = thumbHashToDataURL(bytes);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(thumbhash, url);
    return url;
  } catch {
    return undefined;
  }
}
