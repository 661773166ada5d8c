#!/usr/bin/env node
/**
 * One Tollbooth in a stack of its own, guarding two HTTP APIs and a REST API that live in stacks
 * of their own: the layout most teams grow into. `npx cdk synth` needs no AWS account.
 */
import * as cdk from 'aws-cdk-lib/core';
import { AuthStack } from '../lib/auth-stack';
import { HttpApiStack } from '../lib/http-api-stack';
import { RestApiStack } from '../lib/rest-api-stack';

const app = new cdk.App();
const auth = new AuthStack(app, 'Auth');
new HttpApiStack(app, 'OrdersApi', {
  tollbooth: auth.tollbooth,
  routes: ['GET /orders', 'GET /orders/{id}', 'POST /orders'],
});
new HttpApiStack(app, 'BillingApi', {
  tollbooth: auth.tollbooth,
  routes: ['GET /invoices', 'POST /revocations'],
  revocationEndpoint: true,
});
new RestApiStack(app, 'LegacyApi', { tollbooth: auth.tollbooth });
