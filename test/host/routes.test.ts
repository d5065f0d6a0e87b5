import { describe, expect, it } from 'vitest';
import { matchRoute, parseRouteTemplate, RouteTable } from '../../local/functions-host/http/routes';

const match = (template: string, path: string) => matchRoute(parseRouteTemplate(template), path);

describe('route templates', () => {
  it('matches literals case-insensitively and extracts decoded parameters', () => {
    expect(match('api/threads/{threadId}/runs/{runId}', '/API/Threads/t%201/runs/r2')).toEqual({ threadId: 't 1', runId: 'r2' });
    expect(match('api/threads/{threadId}', '/api/threads')).toBeUndefined();
    expect(match('api/threads/{threadId}', '/api/threads/a/b')).toBeUndefined();
    expect(match('api/health', '/api/health/')).toEqual({});
  });

  it('supports optional, defaulted and catch-all parameters', () => {
    expect(match('api/opt/{id?}', '/api/opt')).toEqual({});
    expect(match('api/opt/{id?}', '/api/opt/7')).toEqual({ id: '7' });
    expect(match('api/page/{n=1}', '/api/page')).toEqual({ n: '1' });
    expect(match('api/files/{*path}', '/api/files/a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
    expect(match('api/files/{*path}', '/api/files')).toEqual({});
  });

  it('applies inline constraints', () => {
    expect(match('api/items/{id:int}', '/api/items/42')).toEqual({ id: '42' });
    expect(match('api/items/{id:int}', '/api/items/abc')).toBeUndefined();
    expect(match('api/items/{id:int}', '/api/items/99999999999')).toBeUndefined();
    expect(match('api/u/{id:guid}', '/api/u/3f2504e0-4f89-11d3-9a0c-0305e82c3301')).toBeDefined();
    expect(match('api/u/{id:guid}', '/api/u/nope')).toBeUndefined();
    expect(match('api/n/{name:alpha:minlength(3)}', '/api/n/ab')).toBeUndefined();
    expect(match('api/n/{name:alpha:minlength(3)}', '/api/n/abc')).toEqual({ name: 'abc' });
    expect(match('api/r/{code:regex(^[a-z]{{2}}\\d+$)}', '/api/r/ab12')).toEqual({ code: 'ab12' });
    expect(match('api/r/{code:regex(^[a-z]{{2}}\\d+$)}', '/api/r/abc12')).toBeUndefined();
    expect(match('api/v/{n:range(1,5)}', '/api/v/5')).toEqual({ n: '5' });
    expect(match('api/v/{n:range(1,5)}', '/api/v/6')).toBeUndefined();
  });

  it('matches complex segments', () => {
    expect(match('api/files/{name}.{ext}', '/api/files/archive.tar.gz')).toEqual({ name: 'archive.tar', ext: 'gz' });
  });

  it('rejects malformed templates and unknown constraints', () => {
    expect(() => parseRouteTemplate('api/{id')).toThrow(/unclosed/);
    expect(() => parseRouteTemplate('api/{*rest}/more')).toThrow(/catch-all/);
    expect(() => parseRouteTemplate('api/{id:frobnicate}')).toThrow(/unsupported route constraint "frobnicate"/);
  });
});

describe('route table', () => {
  const table = new RouteTable<string>();
  table.add('api/items/{slug}', ['GET'], 'any');
  table.add('api/items/{id:int}', ['GET'], 'by-id');
  table.add('api/items/{id:int}', ['PUT', 'patch'], 'update');
  table.add('api/items/new', ['GET'], 'literal');
  table.add('api/{*rest}', ['GET'], 'fallback');

  it('prefers literal over constrained over plain parameters over catch-all', () => {
    expect(table.match('GET', '/api/items/new')?.value).toBe('literal');
    expect(table.match('GET', '/api/items/42')).toEqual({ value: 'by-id', params: { id: '42' } });
    expect(table.match('GET', '/api/items/abc')?.value).toBe('any');
    expect(table.match('GET', '/api/other/thing')).toEqual({ value: 'fallback', params: { rest: 'other/thing' } });
  });

  it('selects by method; a route without the method does not match', () => {
    expect(table.match('PATCH', '/api/items/42')?.value).toBe('update');
    expect(table.match('put', '/api/items/42')?.value).toBe('update');
    expect(table.match('DELETE', '/api/items/42')).toBeUndefined();
  });
});
