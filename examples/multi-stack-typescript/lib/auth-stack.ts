/**
 * The authorizer, its revocation table and alarms: owned by the platform team, deployed once,
 * shared by every API stack of the app.
 */
import * as cdk from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import { TollboothAuthorizer, TrustedIssuer } from 'tollbooth';

export class AuthStack extends cdk.Stack {
  readonly tollbooth: TollboothAuthorizer;

  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    this.tollbooth = new TollboothAuthorizer(this, 'Tollbooth', {
      issuers: [TrustedIssuer.oidc({ issuer: 'https://idp.example.com', audiences: ['https://api.example.com'] })],
      scopeRoutes: {
        'orders:read': ['GET /orders', 'GET /orders/{id}'],
        'orders:write': ['POST /orders'],
        'billing:read': ['GET /invoices'],
        'tollbooth:admin': ['POST /revocations'],
      },
    });
  }
}
