/**
 * The shape of EC2 handlers inside this folder: the parsed input (typed per operation by the
 * handler itself), the caller's {@link Ec2Region} (default VPC already ensured) and the request
 * context. ./index.ts turns them into the router's AwsHandlers.
 */
import type { AwsContext } from '../../types.js';
import type { Tag } from './model.js';
import type { Ec2Region } from './state.js';

/** An EC2 operation over one account and region's state. */
export type Ec2Handler = (input: Record<string, unknown>, r: Ec2Region, ctx: AwsContext) => Promise<Record<string, unknown>>;

/** Declares a handler with its own input type (the wire layer has validated the input against the model). */
export function op<I>(fn: (input: I, r: Ec2Region, ctx: AwsContext) => Promise<Record<string, unknown>>): Ec2Handler {
  return fn as unknown as Ec2Handler;
}

/** `TagSpecification.N` as parsed. */
export interface TagSpec {
  ResourceType?: string;
  Tags?: Partial<Tag>[];
}

/** `Filter.N` and paging members common to Describe inputs. */
export interface DescribeInput {
  Filters?: { Name?: string; Values?: string[] }[];
  MaxResults?: number;
  NextToken?: string;
}

/** `{ Value: boolean }` attribute wrappers (ModifyVpcAttribute, ModifySubnetAttribute). */
export interface AttributeBoolean {
  Value?: boolean;
}
