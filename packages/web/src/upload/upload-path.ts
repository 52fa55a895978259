/** The folder uploads from the web app land in, on every device that syncs the library. */
export const UPLOADS_FOLDER = 'Uploads';

const MAX_NAME_BYTES = 255;

/**
 * `Uploads/<file name>`, the name made safe as a library path: no slashes, backslashes or
 * control characters, not `.`/`..`, at most 255 bytes (UTF-8).
 */
export function uploadPath(fileName: string): string {
  // eslint-disable-next-line no-control-regex
  let name = fileName.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim();
  if (name === '' || name === '.' || name === '..') name = 'upload';
  const encoder = new TextEncoder();
  while (encoder.encode(name).length > MAX_NAME_BYTES) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = name.slice(0, Math.max(1, name.length - ext.length - 1)) + ext;
  }
  return `${UPLOADS_FOLDER}/${name}`;
}
