/**
 * Which API Gateway stages the flusher flushes: the APIs a Tollbooth protects register themselves
 * as SSM parameters under the flusher's path (`/tollbooth/<stack>/<construct>/apis/…`, one per
 * API, created by the construct in the API's own stack, with value `{"kind":"http"|"rest",
 * "apiId":"…"}`), and each API's stages are listed from API Gateway. Both are re-read at most once
 * a minute: stages added to an API are flushed from the next read on.
 *
 * Why SSM parameters: the APIs live in other stacks that already refer to the Tollbooth's stack
 * (the authorizer function); the Tollbooth's flusher cannot refer back to them without a cycle. A
 * parameter in the API's stack, under a path the flusher alone is allowed to read, needs no
 * reference back, and deleting the API's stack removes it.
 */
import { type APIGatewayClient, GetStagesCommand as GetRestStagesCommand } from '@aws-sdk/client-api-gateway';
import { type ApiGatewayV2Client, GetStagesCommand as GetHttpStagesCommand } from '@aws-sdk/client-apigatewayv2';
import { GetParametersByPathCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { isRecord } from '../core/guards';

/** One stage whose authorizer cache a revocation flushes. */
export interface FlushTarget {
  readonly kind: 'http' | 'rest';
  readonly apiId: string;
  readonly stage: string;
}

/** Where the flusher learns its targets. */
export interface StageRegistry {
  targets(): Promise<readonly FlushTarget[]>;
}

export interface SsmStageRegistryOptions {
  readonly path: string;
  readonly ssm: SSMClient;
  readonly http: ApiGatewayV2Client;
  readonly rest: APIGatewayClient;
  readonly maxAgeMs: number;
  readonly now?: () => number;
}

/** The registered APIs read from SSM, their stages from API Gateway; both cached for `maxAgeMs`. */
export class SsmStageRegistry implements StageRegistry {
  private cached: { readonly at: number; readonly targets: readonly FlushTarget[] } | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SsmStageRegistryOptions) {
    this.now = options.now ?? Date.now;
  }

  async targets(): Promise<readonly FlushTarget[]> {
    const now = this.now();
    if (this.cached && now - this.cached.at < this.options.maxAgeMs) return this.cached.targets;
    const apis = await this.registeredApis();
    const stages = await Promise.all(apis.map((api) => this.stagesOf(api)));
    const targets = stages.flat();
    this.cached = { at: now, targets };
    return targets;
  }

  private async registeredApis(): Promise<Array<{ kind: 'http' | 'rest'; apiId: string }>> {
    const apis: Array<{ kind: 'http' | 'rest'; apiId: string }> = [];
    let token: string | undefined;
    do {
      const page = await this.options.ssm.send(
        new GetParametersByPathCommand({ Path: this.options.path, Recursive: true, NextToken: token }),
      );
      for (const parameter of page.Parameters ?? []) {
        const api = parseRegistration(parameter.Value);
        if (api) apis.push(api);
      }
      token = page.NextToken;
    } while (token);
    return apis;
  }

  private async stagesOf(api: { kind: 'http' | 'rest'; apiId: string }): Promise<FlushTarget[]> {
    if (api.kind === 'http') {
      const stages = await this.options.http.send(new GetHttpStagesCommand({ ApiId: api.apiId }));
      return (stages.Items ?? []).flatMap((stage) =>
        stage.StageName ? [{ kind: 'http' as const, apiId: api.apiId, stage: stage.StageName }] : [],
      );
    }
    const stages = await this.options.rest.send(new GetRestStagesCommand({ restApiId: api.apiId }));
    return (stages.item ?? []).flatMap((stage) =>
      stage.stageName ? [{ kind: 'rest' as const, apiId: api.apiId, stage: stage.stageName }] : [],
    );
  }
}

/** A registration's value, or `undefined` when it is not one. */
export function parseRegistration(value: string | undefined): { kind: 'http' | 'rest'; apiId: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(value ?? '');
    if (!isRecord(parsed) || (parsed['kind'] !== 'http' && parsed['kind'] !== 'rest') || typeof parsed['apiId'] !== 'string')
      return undefined;
    return /^[a-z0-9]{1,64}$/.test(parsed['apiId']) ? { kind: parsed['kind'], apiId: parsed['apiId'] } : undefined;
  } catch {
    return undefined;
  }
}
