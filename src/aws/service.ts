/**
 * An AWS service as eksplane serves it: a generated model plus handlers named after its operations
 * (shared/ARCHITECTURE.md rule 4). The router registers services by signing name; operations a
 * service has no handler for answer the protocol's 501 `NotImplemented`.
 */
import { MODELS } from './models/index.js';
import type { ServiceModel } from './models/types.js';
import type { AwsContext, AwsHandler } from './types.js';

/** Computes the ARN an operation acts on, for IAM authorization (`Resource` of policies). */
export type ResourceArnOf = (input: Record<string, unknown>, ctx: Pick<AwsContext, 'account' | 'region'>) => string | undefined;

export interface AwsService {
  /** Signing name: the service of the SigV4 credential scope (`eks`, `kms`, `iam`, …). */
  name: string;
  model: ServiceModel;
  /** Prefix of IAM actions (`eks` → `eks:CreateCluster`). */
  iamPrefix: string;
  /** Handlers by operation name, as in the model. */
  handlers: Partial<Record<string, AwsHandler>>;
  /** Per operation, the resource ARN authorization is checked against (absent: `*`). */
  resources?: Partial<Record<string, ResourceArnOf>>;
}

/**
 * Declares a service. `model` defaults to the generated model of `name` and `iamPrefix` to `name`.
 * Throws when a handler or resource function names an operation the model does not have — a typo
 * there would otherwise become a silent 501.
 */
export function defineService(def: {
  name: string;
  model?: ServiceModel;
  iamPrefix?: string;
  handlers?: Partial<Record<string, AwsHandler>>;
  resources?: Partial<Record<string, ResourceArnOf>>;
}): AwsService {
  const model = def.model ?? MODELS[def.name];
  if (!model) throw new Error(`no model for AWS service ${def.name}`);
  for (const op of [...Object.keys(def.handlers ?? {}), ...Object.keys(def.resources ?? {})]) {
    if (!model.operations[op]) throw new Error(`${def.name} has no operation ${op}`);
  }
  return { name: def.name, model, iamPrefix: def.iamPrefix ?? def.name, handlers: def.handlers ?? {}, resources: def.resources };
}
