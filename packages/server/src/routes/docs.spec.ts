import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/harness.js';

interface Operation {
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> };
  responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }>;
}

describe('the OpenAPI document', () => {
  let server: TestServer;
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    server = await startTestServer();
    // Public: no token.
    const res = await fetch(`${server.url}/api/docs/json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as typeof doc;
  });
  afterAll(async () => {
    await server?.close();
  });

  const jsonBody = (op: Operation | undefined) => op?.requestBody?.content['application/json']?.schema;
  const jsonResponse = (op: Operation | undefined, status = '200') => op?.responses[status]?.content?.['application/json']?.schema;

  it('is OpenAPI 3 and lists the metadata, album and timeline routes with their schemas', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const patch = doc.paths['/api/assets/{id}/metadata']?.patch;
    expect(patch?.parameters).toContainEqual(expect.objectContaining({ in: 'path', name: 'id', required: true }));
    expect(Object.keys(jsonBody(patch)?.properties ?? {})).toEqual(['favorite', 'hidden', 'caption', 'hlc']);
    expect(Object.keys(jsonResponse(patch)?.properties ?? {})).toEqual(['asset']);
    expect(jsonBody(doc.paths['/api/assets/metadata']?.post)?.required).toContain('assetIds');

    expect(Object.keys(doc.paths['/api/albums'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/albums/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(doc.paths['/api/albums/{id}/assets'] ?? {}).sort()).toEqual(['delete', 'post']);
    expect(jsonBody(doc.paths['/api/albums']?.post)?.required).toEqual(['name']);
    expect(Object.keys(jsonResponse(doc.paths['/api/albums/{id}/assets']?.post)?.properties ?? {})).toEqual(['album', 'assets']);

    const buckets = doc.paths['/api/timeline/buckets']?.get;
    expect(buckets?.parameters?.map((p) => [p.in, p.name])).toEqual([
      ['query', 'favorite'],
      ['query', 'hidden'],
      ['query', 'albumId'],
      ['query', 'type'],
    ]);
    expect(Object.keys(jsonResponse(buckets)?.properties ?? {})).toEqual(['buckets', 'total']);
    expect(doc.paths['/api/timeline/bucket']?.get?.parameters).toContainEqual(expect.objectContaining({ in: 'query', name: 'bucket', required: true }));
  });

  it('gives every route a response, and hides tus and its own pages', () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        expect(Object.keys(op.responses ?? {}), `${method.toUpperCase()} ${path}`).not.toEqual([]);
      }
    }
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/uploads') || p.startsWith('/api/docs'))).toEqual([]);
  });

  it('serves a browsable UI at /api/docs', async () => {
    const res = await fetch(`${server.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('swagger');
  });
});
