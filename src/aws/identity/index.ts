/**
 * Identity for the AWS front door: SigV4 verification and signing, IAM/STS state, policy
 * evaluation and `aws eks get-token` tokens. The router wires {@link createAuthenticator} and
 * {@link createAuthorizer}; IAM and STS handlers call {@link IamState}; cluster endpoints call
 * {@link verifyEksToken}.
 */
export { accessDenied, authError, authFlavor, type AuthFlavor } from './auth-errors.js';
export { createAuthenticator, createAuthorizer, guessService, type AwsHttpRequest } from './authenticator.js';
export { canonicalizeArn, createEksToken, EKS_TOKEN_PREFIX, verifyEksToken, verifyPresignedStsUrl, type EksIdentity, type EksTokenResult } from './eks-token.js';
export { iamApiOf } from './iam-api.js';
export { DEFAULT_ACCOUNT, DEFAULT_ROOT_KEY, IamState, type IamStateOptions, type PolicyHolderKind } from './iam-state.js';
export type * from './iam-records.js';
export { evaluate, parsePolicyDocument, trustAllows, type Decision, type EvalContext, type PolicyDocument, type PolicyStatement, type TrustCaller } from './policy.js';
export { presignUrl, signRequest, type Credentials, type SignOptions } from './sigv4.js';
