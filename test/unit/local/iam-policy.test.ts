/**
 * IAM evaluation of an authorizer's policy, as API Gateway applies a cached policy to each route:
 * explicit Deny wins, then Allow, else implicit deny; `*` crosses `/`; unknown statements fail closed.
 */
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, iamGlobMatches } from '../../../bin/local/iam-policy';

const STAGE = 'arn:aws:execute-api:us-east-1:123456789012:local/$default';
const INVOKE = 'execute-api:Invoke';

function policy(...statements: Record<string, unknown>[]) {
  return { Version: '2012-10-17', Statement: statements };
}

describe('evaluatePolicy', () => {
  it.each([
    {
      name: 'an Allow for exactly the route',
      statements: [{ Effect: 'Allow', Action: INVOKE, Resource: `${STAGE}/GET/orders` }],
      resource: 'GET/orders',
      verdict: 'allow',
    },
    {
      name: 'an Allow whose * spans segments',
      statements: [{ Effect: 'Allow', Action: INVOKE, Resource: [`${STAGE}/GET/orders/*`] }],
      resource: 'GET/orders/1/items',
      verdict: 'allow',
    },
    {
      name: 'an Allow for another route only',
      statements: [{ Effect: 'Allow', Action: INVOKE, Resource: [`${STAGE}/GET/orders`] }],
      resource: 'POST/orders',
      verdict: 'implicit-deny',
    },
    {
      name: 'a Deny beside a matching Allow',
      statements: [
        { Effect: 'Allow', Action: INVOKE, Resource: [`${STAGE}/*`] },
        { Effect: 'Deny', Action: INVOKE, Resource: [`${STAGE}/POST/orders`] },
      ],
      resource: 'POST/orders',
      verdict: 'explicit-deny',
    },
    {
      name: 'an Allow with a lower-case wildcard action',
      statements: [{ Effect: 'Allow', Action: 'execute-api:*', Resource: `${STAGE}/GET/orders` }],
      resource: 'GET/orders',
      verdict: 'allow',
    },
    {
      name: 'an Allow for another action',
      statements: [{ Effect: 'Allow', Action: 'execute-api:ManageConnections', Resource: `${STAGE}/*` }],
      resource: 'GET/orders',
      verdict: 'implicit-deny',
    },
    {
      name: 'an Allow whose ? matches one character',
      statements: [{ Effect: 'Allow', Action: INVOKE, Resource: `${STAGE}/GET/orders/?` }],
      resource: 'GET/orders/7',
      verdict: 'allow',
    },
    {
      name: 'a resource of another case',
      statements: [{ Effect: 'Allow', Action: INVOKE, Resource: `${STAGE}/GET/Orders` }],
      resource: 'GET/orders',
      verdict: 'implicit-deny',
    },
    {
      name: 'an Allow with a Condition (not understood: never matches)',
      statements: [{ Effect: 'Allow', Action: INVOKE, Resource: `${STAGE}/*`, Condition: {} }],
      resource: 'GET/orders',
      verdict: 'implicit-deny',
    },
    {
      name: 'a Deny with NotResource (not understood: always matches)',
      statements: [
        { Effect: 'Allow', Action: INVOKE, Resource: `${STAGE}/*` },
        { Effect: 'Deny', Action: INVOKE, NotResource: `${STAGE}/GET/orders` },
      ],
      resource: 'GET/orders',
      verdict: 'explicit-deny',
    },
  ])('answers $verdict for $name', ({ statements, resource, verdict }) => {
    // Act
    const result = evaluatePolicy(policy(...statements), { action: INVOKE, resource: `${STAGE}/${resource}` });
    // Assert
    expect(result).toBe(verdict);
  });

  it.each([null, 'Allow', {}, { Version: '2012-10-17' }, { Version: '2012-10-17', Statement: [{ Effect: 'Maybe' }] }])(
    'denies implicitly for a malformed policy: %j',
    (malformed) => {
      expect(evaluatePolicy(malformed, { action: INVOKE, resource: `${STAGE}/GET/orders` })).toBe('implicit-deny');
    },
  );
});

describe('iamGlobMatches', () => {
  it('stays linear on a hostile path', () => {
    // A naive backtracking matcher explodes on many stars against a long near-miss.
    expect(iamGlobMatches(`${'*a'.repeat(30)}b`, 'a'.repeat(10_000))).toBe(false);
  });
});
