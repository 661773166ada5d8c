/**
 * Route patterns and templates parse into atoms; a pattern carries an IAM glob exactly when IAM
 * can say what it means (no `{name}` segment), and one that would not fit API Gateway's Resource
 * limit is refused.
 */
import { describe, expect, it } from 'vitest';
import { parseRoutePattern, parseRouteTemplate, templatePathGlob } from '../../../lambdas/core/route-pattern';

describe('route-pattern', () => {
  describe('parseRoutePattern', () => {
    it.each([
      { source: 'GET /orders', method: 'GET', exactGlob: 'GET/orders', path: [{ kind: 'text', text: 'orders' }] },
      { source: 'get /orders', method: 'GET', exactGlob: 'GET/orders', path: [{ kind: 'text', text: 'orders' }] },
      {
        source: 'GET /orders/*',
        method: 'GET',
        exactGlob: 'GET/orders/*',
        path: [{ kind: 'text', text: 'orders/' }, { kind: 'star' }],
      },
      {
        source: 'PUT /orders/{id}',
        method: 'PUT',
        exactGlob: undefined,
        path: [{ kind: 'text', text: 'orders/' }, { kind: 'segment' }],
      },
      {
        source: 'DELETE /orders/{id}/items',
        method: 'DELETE',
        exactGlob: undefined,
        path: [{ kind: 'text', text: 'orders/' }, { kind: 'segment' }, { kind: 'text', text: '/items' }],
      },
      {
        source: 'ANY /admin/{proxy+}',
        method: '*',
        exactGlob: '*/admin/?*',
        path: [{ kind: 'text', text: 'admin/' }, { kind: 'rest' }],
      },
      { source: 'ANY /{proxy+}', method: '*', exactGlob: '*/?*', path: [{ kind: 'rest' }] },
      {
        source: 'GET /files/*.json',
        method: 'GET',
        exactGlob: 'GET/files/*.json',
        path: [{ kind: 'text', text: 'files/' }, { kind: 'star' }, { kind: 'text', text: '.json' }],
      },
      { source: 'GET /', method: 'GET', exactGlob: 'GET/', path: [] },
      { source: 'GET /orders/', method: 'GET', exactGlob: 'GET/orders/', path: [{ kind: 'text', text: 'orders/' }] },
      {
        source: "GET /a-b_c.d~e!$&'()+,;=:@%20",
        method: 'GET',
        exactGlob: "GET/a-b_c.d~e!$&'()+,;=:@%20",
        path: [{ kind: 'text', text: "a-b_c.d~e!$&'()+,;=:@%20" }],
      },
    ])('parses "$source" (exact glob $exactGlob)', ({ source, method, exactGlob, path }) => {
      // Act
      const result = parseRoutePattern(source);
      // Assert
      expect(result).toEqual({ ok: true, value: { source, method, exactGlob, path } });
    });

    it('trims surrounding whitespace but keeps the source as written', () => {
      // Act
      const result = parseRoutePattern('  POST   /orders  ');
      // Assert
      expect(result).toMatchObject({ ok: true, value: { source: '  POST   /orders  ', method: 'POST', exactGlob: 'POST/orders' } });
    });

    it('refuses an exact pattern whose policy resource could pass 512 characters, naming it', () => {
      // Prepare: behind the longest ARN of a real API (partition, region, 128-character stage), 303 characters fit.
      const fits = `GET /${'a'.repeat(303)}`;
      const tooLong = `ANY /${'a'.repeat(304)}`;
      // Act, Assert
      expect(parseRoutePattern(fits).ok).toBe(true);
      expect(parseRoutePattern(tooLong)).toEqual({
        ok: false,
        problem: `"${tooLong}" is too long: its policy resource can reach 513 characters, over API Gateway's 512`,
      });
      expect(parseRoutePattern(`GET /${'a'.repeat(400)}/{id}`).ok).toBe(true);
    });

    it.each([
      { name: 'an empty string', source: '', problem: 'is not of the form "METHOD /path"' },
      { name: 'a method without a path', source: 'GET', problem: 'is not of the form "METHOD /path"' },
      { name: 'a path without a leading slash', source: 'GET orders', problem: 'is not of the form "METHOD /path"' },
      { name: 'whitespace inside the path', source: 'GET /orders/ 1', problem: 'is not of the form "METHOD /path"' },
      { name: 'a path without a method', source: '/orders', problem: 'is not of the form "METHOD /path"' },
      { name: 'digits in the method', source: 'GET2 /orders', problem: 'is not of the form "METHOD /path"' },
      { name: 'an unknown method', source: 'FETCH /orders', problem: 'has unknown method "FETCH"' },
      { name: 'TRACE', source: 'TRACE /orders', problem: 'has unknown method "TRACE"' },
      { name: 'a greedy parameter before the last segment', source: 'ANY /{proxy+}/items', problem: 'must be the last segment' },
      { name: 'a leading empty segment', source: 'GET //orders', problem: 'has an empty path segment' },
      { name: 'an empty segment in the middle', source: 'GET /orders//items', problem: 'has an empty path segment' },
      { name: 'a query string', source: 'GET /orders?page=1', problem: 'characters API Gateway paths cannot contain' },
      { name: 'a fragment', source: 'GET /orders#top', problem: 'characters API Gateway paths cannot contain' },
      { name: 'a parameter mixed with text', source: 'GET /orders/{id}.json', problem: 'characters API Gateway paths cannot contain' },
      { name: 'an empty parameter', source: 'GET /orders/{}', problem: 'characters API Gateway paths cannot contain' },
      { name: 'a backslash', source: 'GET /orders\\1', problem: 'characters API Gateway paths cannot contain' },
    ])('rejects $name', ({ source, problem }) => {
      // Act
      const result = parseRoutePattern(source);
      // Assert
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.problem).toContain(problem);
    });
  });

  describe('parseRouteTemplate', () => {
    it.each([
      { source: '$default', method: '*', path: undefined },
      { source: 'GET /orders/{id}', method: 'GET', path: [{ kind: 'text', text: 'orders/' }, { kind: 'segment' }] },
      { source: 'ANY /{proxy+}', method: '*', path: [{ kind: 'rest' }] },
      { source: 'POST /', method: 'POST', path: [] },
      // In a template every character outside a parameter is literal, a * included.
      { source: 'GET /a*b', method: 'GET', path: [{ kind: 'text', text: 'a*b' }] },
    ])('parses "$source"', ({ source, method, path }) => {
      expect(parseRouteTemplate(source)).toEqual({ source, method, path });
    });

    it.each([
      undefined,
      7,
      '',
      'GET',
      'get /orders',
      'GET orders',
      'GET /{proxy+}/x',
      'GET /a//b',
      'GET /a{b}',
      `GET /${'a'.repeat(1100)}`,
    ])('refuses %j', (source) => {
      expect(parseRouteTemplate(source)).toBeUndefined();
    });

    it.each([
      { source: '$default', glob: '*' },
      { source: 'GET /orders/{id}/items', glob: 'orders/*/items' },
      { source: 'ANY /admin/{proxy+}', glob: 'admin/*' },
      { source: 'GET /a*b', glob: undefined },
    ])('gives "$source" the glob $glob', ({ source, glob }) => {
      const template = parseRouteTemplate(source);
      expect(template && templatePathGlob(template)).toBe(glob);
    });
  });
});
