/**
 * Which API Gateway stages the flusher flushes: the APIs a Tollbooth protects register themselves
 * as SSM parameters under the flusher's path (`/tollbooth/<stack>/<construct>/apis/…`, one per
 * API, created by the construct in the API's own stack, with value `{"kind":"http"|"rest",
 * "apiId":"…"}`), and each API's stages are listed from API Gateway. Both are re-read at most once
 * a minute: stages added to an API are flushed from the next read on.
 *
 * One API whose stages cannot be listed (its flush policy not yet in force after a deploy, the API
 * deleted by hand) must not stop the others' flushes: it is reported beside the stages that were
 * listed, and a read with such a gap is not cached, so the next batch asks again.
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

/** One API registered for flushes. */
export interface RegisteredApi {
  readonly kind: 'http' | 'rest';
  readonly apiId: string;
}

/** What one read of the registry found. */
export interface RegistryRead {
  readonly targets: readonly FlushTarget[];
  /** Registered APIs whose stages could not be listed: none of their stages is among `targets`. */
  readonly unreadable: ReadonlyArray<{ readonly api: RegisteredApi; readonly error: unknown }>;
}

/** Where the flusher learns its targets. */
export interface StageRegistry {
  /** Rejects when the registrations themselves cannot be read. */
  read(): Promise<RegistryRead>;
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
  private cached: { readonly at: number; readonly read: RegistryRead } | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SsmStageRegistryOptions) {
    this.now = options.now ?? Date.now;
  }

  async read(): Promise<RegistryRead> {
    const now = this.now();
    if (this.cached && now - this.cached.at < this.options.maxAgeMs) return this.cached.read;
    const apis = await this.registeredApis();
    const listed = await Promise.allSettled(apis.map((api) => this.stagesOf(api)));
    const targets: FlushTarget[] = [];
    const unreadable: Array<{ api: RegisteredApi; error: unknown }> = [];
    for (const [index, result] of listed.entries()) {
      if (result.status === 'fulfilled') targets.push(...result.value);
      else unreadable.push({ api: apis[index] as RegisteredApi, error: result.reason });
    }
    const read = { targets, unreadable };
    if (unreadable.length === 0) this.cached = { at: now, read };
    return read;
  }

  private async registeredApis(): Promise<RegisteredApi[]> {
    const apis: RegisteredApi[] = [];
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

  private async stagesOf(api: RegisteredApi): Promise<FlushTarget[]> {
    if (api.kind === 'http') {
      // HTTP APIs answer in pages (a raised stage quota can pass one); REST's GetStages has none.
      const targets: FlushTarget[] = [];
      let token: string | undefined;
      do {
        const page = await this.options.http.send(new GetHttpStagesCommand({ ApiId: api.apiId, NextToken: token }));
        for (const stage of page.Items ?? []) if (stage.StageName) targets.push({ kind: 'http', apiId: api.apiId, stage: stage.StageName });
        token = page.NextToken;
      } while (token);
      return targets;
    }
    const stages = await this.options.rest.send(new GetRestStagesCommand({ restApiId: api.apiId }));
    return (stages.item ?? []).flatMap((stage) =>
      stage.stageName ? [{ kind: 'rest' as const, apiId: api.apiId, stage: stage.stageName }] : [],
    );
  }
}

/** A registration's value, or `undefined` when it is not one. */
export function parseRegistration(value: string | undefined): RegisteredApi | undefined {
  try {
    const parsed: unknown = JSON.parse(value ?? '');
    if (!isRecord(parsed) || (parsed['kind'] !== 'http' && parsed['kind'] !== 'rest') || typeof parsed['apiId'] !== 'string')
      return undefined;
    return /^[a-z0-9]{1,64}$/.test(parsed['apiId']) ? { kind: parsed['kind'], apiId: parsed['apiId'] } : undefined;
  } catch {
    return undefined;
  }
}
