import { describe, expect, it } from 'vitest';
import { uploadPath } from './upload-path.js';

describe('uploadPath', () => {
  it('puts a file under Uploads/ by its name', () => {
    expect(uploadPath('IMG_0001.HEIC')).toBe('Uploads/IMG_0001.HEIC');
    expect(uploadPath('Été à Paris.jpg')).toBe('Uploads/Été à Paris.jpg');
  });

  it('never lets a name leave the folder or carry control characters', () => {
    expect(uploadPath('../../etc/passwd')).toBe('Uploads/.._.._etc_passwd');
    expect(uploadPath('a\\b\u0000c.jpg')).toBe('Uploads/a_b_c.jpg');
    expect(uploadPath('..')).toBe('Uploads/upload');
    expect(uploadPath('   ')).toBe('Uploads/upload');
  });

  it('shortens a name over 255 bytes, keeping its extension', () => {
    const path = uploadPath(`${'é'.repeat(200)}.jpeg`);
    const name = path.slice('Uploads/'.length);
    expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(255);
    expect(name.endsWith('.jpeg')).toBe(true);
  });
});
