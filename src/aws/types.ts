/**
 * The contracts of the AWS front door, shared by the protocol layer, identity and the services.
 *
 * A request flows: classify (service, protocol, operation) → parse the input with the service's
 * model → authenticate (SigV4) → authorize (IAM policy for `<prefix>:<Operation>`) → handler →
 * serialize the output; anything thrown leaves through `toAwsError` in the protocol's error shape
 * (shared/CONVENTIONS.md ideas 6–8).
 */
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/types.js';

/** Who signed a request, after SigV4 verification. */
export interface Principal {
  account: string;
  /** arn:aws:iam::A:root, arn:aws:iam::A:user/NAME, or arn:aws:sts::A:assumed-role/ROLE/SESSION. */
  arn: string;
  /** AIDA…/AROA…:session, as GetCallerIdentity's UserId. */
  userId: string;
  accessKeyId: string;
  /** The root user, or a principal whose policies are not checked (--permissive). */
  unrestricted: boolean;
  /** For assumed roles: the role's ARN (arn:aws:iam::A:role/NAME). */
  roleArn?: string;
}

/** What a handler gets besides its parsed input. */
export interface AwsContext {
  account: string;
  region: string;
  principal: Principal;
  requestId: string;
  clock: Clock;
  store: Store;
  log: Logger;
}

/** An operation's implementation: parsed, validated input in; output members out. */
export type AwsHandler = (input: Record<string, unknown>, ctx: AwsContext) => Promise<Record<string, unknown>>;

/** An error in the AWS wire sense: a code (the exception shape name), an HTTP status and a message. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra members of the exception shape (e.g. EKS `clusterName`), serialized beside the message. */
    readonly fields: Record<string, unknown> = {},
    /** Query protocols: Sender or Receiver. */
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = 'AwsError';
  }
}
