/**
 * The IAM policy document: Allow every granted route, explicitly Deny the invoked one when it is
 * not granted, and deny the whole stage for callers who are not authenticated.
 */
import { describe, expect, it } from 'vitest';
import { parseExecuteApiArn, type ExecuteApiArn } from '../../../lambdas/authorizer/execute-api-arn';
import { grantsOf } from '../../helpers/routes';
import { denyAllPolicy, grantPolicy } from '../../../lambdas/authorizer/iam-policy';

const STAGE_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod';

function arnOf(resource: string): ExecuteApiArn {
  const arn = parseExecuteApiArn(`${STAGE_ARN}/${resource}`);
  if (!arn) throw new Error(`fixture ARN ${resource} did not parse`);
  return arn;
}

describe('iam-policy', () => {
  describe('grantPolicy', () => {
    it('builds the allowed resources once per grants list and stage, and shares them frozen', () => {
      // Prepare
      const grants = grantsOf('GET /orders', 'GET /orders/*');
      const otherStage = parseExecuteApiArn('arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/test/GET/orders');
      if (!otherStage) throw new Error('fixture ARN did not parse');
      const resources = (arn: ExecuteApiArn): unknown => {
        const statement = grantPolicy(arn, grants, [], true).Statement[0];
        return statement && 'Resource' in statement ? statement.Resource : undefined;
      };
      // Act
      const first = resources(arnOf('GET/orders/1'));
      const second = resources(arnOf('GET/orders/2'));
      const onOtherStage = resources(otherStage);
      // Assert
      expect(second).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
      expect(onOtherStage).toEqual([
        'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/test/GET/orders',
        'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/test/GET/orders/*',
      ]);
    });

    it('allows every granted route, not only the invoked one, when the invoked route is granted', () => {
      // Prepare
      const arn = arnOf('GET/orders/42');
      // Act
      const policy = grantPolicy(arn, grantsOf('GET /orders', 'GET /orders/*', 'POST /orders'), [], true);
      // Assert
      expect(policy).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: [`${STAGE_ARN}/GET/orders`, `${STAGE_ARN}/GET/orders/*`, `${STAGE_ARN}/POST/orders`],
          },
        ],
      });
    });

    it('adds an explicit deny for exactly the invoked route when it is not granted', () => {
      // Prepare
      const arn = arnOf('DELETE/orders/42');
      // Act
      const policy = grantPolicy(arn, grantsOf('GET /orders/*'), [], false);
      // Assert
      expect(policy.Statement).toEqual([
        { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${STAGE_ARN}/GET/orders/*`] },
        { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [`${STAGE_ARN}/DELETE/orders/42`] },
      ]);
    });

    it.each([
      { name: 'a * in the path', resource: 'POST/*' },
      { name: 'a ? in the path', resource: 'POST/order?' },
      { name: 'a * inside a segment', resource: 'POST/ord*' },
    ])('leaves out the deny for an invoked route with $name, so no granted route is denied with it', ({ resource }) => {
      // Prepare: POST/orders is granted; the invoked route is not, and its name is an IAM pattern.
      const arn = arnOf(resource);
      // Act
      const policy = grantPolicy(arn, grantsOf('POST /orders'), [], false);
      // Assert: only the Allow; the invoked route falls to IAM's implicit deny (still a 403).
      expect(policy.Statement).toEqual([{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${STAGE_ARN}/POST/orders`] }]);
    });

    it('denies every route of the stage for an invoked route with a wildcard when nothing is granted', () => {
      const policy = grantPolicy(arnOf('GET/*'), grantsOf(), [], false);
      expect(policy.Statement).toEqual([{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [`${STAGE_ARN}/*`] }]);
    });

    it('adds the extra allows after the grants’ own, as ARNs of the stage', () => {
      // Act
      const policy = grantPolicy(arnOf('GET/orders/42'), grantsOf('POST /orders'), ['GET/orders/*'], true);
      // Assert
      expect(policy.Statement).toEqual([
        { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${STAGE_ARN}/POST/orders`, `${STAGE_ARN}/GET/orders/*`] },
      ]);
    });

    it('leaves out the deny for an invoked route whose ARN passes 512 characters (no Resource may)', () => {
      // Prepare
      const arn = arnOf(`GET/${'x'.repeat(600)}`);
      // Act
      const policy = grantPolicy(arn, grantsOf('POST /orders'), [], false);
      // Assert
      expect(policy.Statement).toEqual([{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${STAGE_ARN}/POST/orders`] }]);
    });

    it('holds only the deny when nothing is granted', () => {
      // Prepare
      const arn = arnOf('GET/orders');
      // Act
      const policy = grantPolicy(arn, grantsOf(), [], false);
      // Assert
      expect(policy.Statement).toEqual([{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [`${STAGE_ARN}/GET/orders`] }]);
    });
  });

  describe('denyAllPolicy', () => {
    it('denies every route of the invoked API and stage', () => {
      // Act
      const policy = denyAllPolicy(arnOf('GET/orders'));
      // Assert
      expect(policy).toEqual({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [`${STAGE_ARN}/*`] }],
      });
    });

    it('denies everything when the ARN is unknown', () => {
      // Act
      const policy = denyAllPolicy(undefined);
      // Assert
      expect(policy.Statement).toEqual([{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: ['*'] }]);
    });
  });
});
