/**
 * The STS service (query protocol, 2011-06-15): GetCallerIdentity (also as the presigned GET of
 * `aws eks get-token` tokens; the router answers JSON for `Accept: application/json`), AssumeRole
 * and GetSessionToken over IamState, and AssumeRoleWithWebIdentity (./web-identity.ts). STS
 * authorizes these itself — GetCallerIdentity and GetSessionToken need no permission, AssumeRole
 * is checked by IamState against the trust policy and the caller's policies — so the router's
 * authorizer should skip them and let AssumeRoleWithWebIdentity through unsigned (./auth.ts).
 * RegionDisabledException is never answered: every region is enabled.
 */
import type { IamState, RoleRecord, StsCredentials } from '../../identity/index.js';
import { parsePolicyDocument, trustAllows } from '../../identity/index.js';
import { defineService, type AwsService } from '../../service.js';
import { AwsError, type AwsHandler } from '../../types.js';
import { matchProvider, parseWebIdentityToken, webIdentityContext, webIdentityDenied } from './web-identity.js';

/**
 * Issues a role session without further checks, after AssumeRoleWithWebIdentity verified the
 * token and the trust policy. IamState does not offer this yet (its session writer is private);
 * pass one, or give IamState an `issueRoleSession` method of this shape and it is used.
 */
export interface RoleSessionIssuer {
  issueRoleSession(roleArn: string, sessionName: string, durationSeconds: number, opts?: { policy?: string }): Promise<{ credentials: StsCredentials; assumedRoleUser: { assumedRoleId: string; arn: string } }>;
}

export interface StsServiceOptions {
  iam: IamState;
  /** Default: `iam` itself when it has `issueRoleSession`; without one AssumeRoleWithWebIdentity answers 501 after its checks. */
  sessions?: RoleSessionIssuer;
}

const s = (v: unknown) => v as string;
const opt = (v: unknown) => v as string | undefined;
const num = (v: unknown) => v as number | undefined;

function credentialsOut(c: StsCredentials): Record<string, unknown> {
  return { AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: c.expiration };
}

/** One session policy from the inline `Policy` and the managed `PolicyArns` (their union limits the session). */
async function sessionPolicy(iam: IamState, policy: string | undefined, arns: { arn?: string }[] | undefined): Promise<string | undefined> {
  if (!arns?.length) return policy;
  const statements: unknown[] = [];
  if (policy !== undefined) statements.push(...parsePolicyDocument(policy).Statement);
  for (const { arn } of arns) if (arn) statements.push(...parsePolicyDocument(await iam.policyDocument(arn)).Statement);
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

const hasIssuer = (x: unknown): x is RoleSessionIssuer => typeof (x as Partial<RoleSessionIssuer>).issueRoleSession === 'function';

/** The STS AwsService over `iam`. */
export function createStsService(opts: StsServiceOptions): AwsService {
  const { iam } = opts;
  const sessions = opts.sessions ?? (hasIssuer(iam) ? iam : undefined);
  const handlers: Record<string, AwsHandler> = {
    async GetCallerIdentity(_input, ctx) {
      return iam.getCallerIdentity(ctx.principal);
    },
    async AssumeRole(input, ctx) {
      const policy = await sessionPolicy(iam, opt(input.Policy), input.PolicyArns as { arn?: string }[] | undefined);
      const out = await iam.assumeRole(ctx.principal, s(input.RoleArn), s(input.RoleSessionName), num(input.DurationSeconds), { policy, externalId: opt(input.ExternalId) });
      return {
        Credentials: credentialsOut(out.credentials),
        AssumedRoleUser: { AssumedRoleId: out.assumedRoleUser.assumedRoleId, Arn: out.assumedRoleUser.arn },
        ...(input.SourceIdentity !== undefined ? { SourceIdentity: input.SourceIdentity } : {}),
      };
    },
    async GetSessionToken(input, ctx) {
      return { Credentials: credentialsOut(await iam.getSessionToken(ctx.principal, num(input.DurationSeconds))) };
    },
    async AssumeRoleWithWebIdentity(input, ctx) {
      const claims = parseWebIdentityToken(s(input.WebIdentityToken));
      const roleArn = s(input.RoleArn);
      const account = /^arn:aws:iam::(\d{12}):role\//.exec(roleArn)?.[1];
      if (!account) throw webIdentityDenied();
      const provider = matchProvider(claims, await iam.listOpenIdConnectProviders(account), ctx.clock.now());
      const role: RoleRecord | undefined = await iam.getRoleByArn(roleArn);
      const sessionName = s(input.RoleSessionName);
      const context = webIdentityContext(claims, provider, sessionName);
      if (!role || !trustAllows(parsePolicyDocument(role.assumeRolePolicyDocument, 'trust'), { federated: provider.arn }, 'sts:AssumeRoleWithWebIdentity', context)) throw webIdentityDenied();
      const duration = num(input.DurationSeconds) ?? 3600;
      if (duration > role.maxSessionDuration) throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400);
      const policy = await sessionPolicy(iam, opt(input.Policy), input.PolicyArns as { arn?: string }[] | undefined);
      if (!sessions) throw new AwsError('NotImplemented', 'AssumeRoleWithWebIdentity verified the token, but eksplane cannot issue web-identity sessions yet (IamState.issueRoleSession)', 501);
      const out = await sessions.issueRoleSession(role.arn, sessionName, duration, policy !== undefined ? { policy } : {});
      return {
        Credentials: credentialsOut(out.credentials),
        SubjectFromWebIdentityToken: claims.sub,
        AssumedRoleUser: { AssumedRoleId: out.assumedRoleUser.assumedRoleId, Arn: out.assumedRoleUser.arn },
        Provider: claims.iss,
        Audience: claims.aud.find((a) => provider.clientIdList.includes(a)),
      };
    },
  };
  return defineService({ name: 'sts', handlers });
}
