import { describe, expect, it } from 'vitest';
import { compilePathTemplate, joinPath, pathShape, PathTemplateError, isValidParamName } from '../../runtime/model/paths.ts';
import { coerceParams } from '../../runtime/model/params.ts';

describe('joinPath', () => {
  it('joins base and upgrade paths without doubled or trailing slashes', () => {
    expect(joinPath('/chat', '/{name}')).toBe('/chat/{name}');
    expect(joinPath('/chat/', '{name}')).toBe('/chat/{name}');
    expect(joinPath(undefined, undefined)).toBe('/');
    expect(joinPath('/', '/')).toBe('/');
    expect(joinPath('/chat', undefined)).toBe('/chat');
    expect(joinPath('/', '/*')).toBe('/*');
  });
});

describe('compilePathTemplate', () => {
  it('matches params as one decoded non-empty segment', () => {
    const p = compilePathTemplate('/chat/{name}');
    expect(p.params).toEqual(['name']);
    expect(p.match('/chat/alice')).toEqual({ name: 'alice' });
    expect(p.match('/chat/al%20ice')).toEqual({ name: 'al ice' });
    expect(p.match('/chat/alice/')).toEqual({ name: 'alice' });
    expect(p.match('/chat/')).toBeNull();
    expect(p.match('/chat/a/b')).toBeNull();
    expect(p.match('/chat/%E0%A4%A')).toBeNull();
  });
  it('matches any rest with a wildcard', () => {
    const any = compilePathTemplate('/*');
    expect(any.match('/')).toEqual({});
    expect(any.match('/x/y/z')).toEqual({});
    const chat = compilePathTemplate('/chat/*');
    expect(chat.match('/chat')).toEqual({});
    expect(chat.match('/chat/a/b')).toEqual({});
    expect(chat.match('/chatty')).toBeNull();
    expect(compilePathTemplate('/files*').match('/files-1/x')).toEqual({});
  });
  it('matches literal paths exactly', () => {
    const p = compilePathTemplate('/chat');
    expect(p.match('/chat')).toEqual({});
    expect(p.match('/chat2')).toBeNull();
    expect(compilePathTemplate('/a.b').match('/axb')).toBeNull();
  });
  it('rejects bad parameter names and misplaced stars', () => {
    expect(() => compilePathTemplate('/x/{1abc}')).toThrow(PathTemplateError);
    expect(() => compilePathTemplate('/x/{a-b}')).toThrow(/not a valid identifier/);
    expect(() => compilePathTemplate('/x/{a}/{a}')).toThrow(/twice/);
    expect(() => compilePathTemplate('/x/*/y')).toThrow(/end/);
    expect(isValidParamName('room_1')).toBe(true);
    expect(isValidParamName('')).toBe(false);
  });
  it('gives templates that route alike the same shape', () => {
    expect(pathShape('/rooms/{room}')).toBe(pathShape('/rooms/{id}/'));
    expect(pathShape('/rooms/{room}')).not.toBe(pathShape('/rooms'));
  });
});

describe('coerceParams', () => {
  it('converts declared params and passes others through', () => {
    const r = coerceParams(
      { age: { type: 'integer' }, ok: { type: 'boolean' }, f: { type: 'number' }, d: { type: 'integer', default: 5 } },
      { age: '42', ok: 'true', f: '1.5e2', other: 'x' },
    );
    expect(r.errors).toEqual([]);
    expect(r.values).toEqual({ age: 42, ok: true, f: 150, d: 5, other: 'x' });
  });
  it('reports wrong types and missing required params', () => {
    const r = coerceParams({ age: { type: 'integer' }, token: { type: 'string', required: true } }, { age: '4.5' });
    expect(r.errors).toEqual(['query parameter "age" must be an integer', 'query parameter "token" is required']);
    expect(coerceParams({ n: { type: 'number' } }, { n: 'abc' }).errors).toEqual(['query parameter "n" must be a number']);
    expect(coerceParams({ b: { type: 'boolean' } }, { b: 'yes' }, 'header').errors).toEqual(['header "b" must be true or false']);
  });
});
