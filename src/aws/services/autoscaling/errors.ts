/**
 * Auto Scaling's errors with the service's codes and wording (kept together, shared/CONVENTIONS.md
 * idea 7). Modeled faults are thrown by shape name (`ResourceInUseFault`); the wire layer writes
 * the model's code (`ResourceInUse`). Texts marked (unverified) are our best wording where no
 * real answer was at hand; the rest are quoted from real responses in public issues.
 */
import { AwsError } from '../../types.js';

const validation = (message: string) => new AwsError('ValidationError', message, 400);

/** Factories of Auto Scaling errors. */
export const AsgErrors = {
  alreadyExists: (name: string) => new AwsError('AlreadyExistsFault', `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`, 400),
  /** DeleteAutoScalingGroup, SetDesiredCapacity, Suspend/ResumeProcesses. */
  notFound: (name: string) => validation(`AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`),
  /** UpdateAutoScalingGroup words a missing group this way. */
  notFoundOnUpdate: () => validation('AutoScalingGroup name not found - null'),
  /** CreateOrUpdateTags / DeleteTags. */
  notFoundForTags: (name: string) => validation(`AutoScalingGroup not found - AutoScaling Group ${name} not found`),
  pendingDelete: (name: string) => validation(`AutoScalingGroup ${name} is pending delete.`),
  maxBelowMin: (max: number, min: number) => validation(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`),
  desiredOutOfRange: (desired: number, min: number, max: number) => validation(`Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`),
  setDesiredAboveMax: (desired: number, max: number) => validation(`New SetDesiredCapacity value ${desired} is above max value ${max} for the AutoScalingGroup.`),
  setDesiredBelowMin: (desired: number, min: number) => validation(`New SetDesiredCapacity value ${desired} is below min value ${min} for the AutoScalingGroup.`),
  noLaunchSource: () => validation('Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.'),
  launchTemplateIdOrName: () => validation('Valid requests must contain either launchTemplateId or LaunchTemplateName'),
  launchConfigurationNotFound: (name: string) => validation(`Launch configuration name not found - Launch configuration ${name} not found`),
  badLaunchTemplate: (ec2Message: string) => validation(`You must use a valid fully-formed launch template. ${ec2Message}`),
  noZones: () => validation('At least one Availability Zone or VPC Subnet is required.'),
  subnetNotFound: (id: string) => validation(`The subnet ID '${id}' does not exist`),
  zonesMismatch: () => validation('The availability zones of the specified subnets and the Auto Scaling group do not match'),
  instanceNotFound: (id: string) => validation(`Instance Id not found - No managed instance found for instance ID: ${id}`),
  decrementBelowMin: (min: number) =>
    validation(`Currently, desiredSize equals minSize (${min}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`),
  resourceInUse: () => new AwsError('ResourceInUseFault', 'You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.', 400),
  activityInProgress: () => new AwsError('ScalingActivityInProgressFault', 'You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.', 400),
  /** (unverified) */
  badProcess: (names: string[]) => validation(`Invalid scaling process name(s): ${names.join(', ')}`),
  /** (unverified) */
  badFilter: (name: string) => validation(`The filter name ${name} is invalid.`),
  /** (unverified) */
  tagLimit: () => new AwsError('LimitExceededFault', 'The number of tags exceeds the limit of 50 tags per Auto Scaling group.', 400),
  /** (unverified) */
  badNextToken: () => validation('The NextToken value is invalid.'),
  /** CompleteLifecycleAction / RecordLifecycleActionHeartbeat by instance id with no action waiting. */
  noActionForInstance: (id: string) => validation(`No active Lifecycle Action found with instance ID ${id}`),
  /** The same, by token. */
  noActionForToken: (token: string) => validation(`No active Lifecycle Action found with token ${token}`),
  /** (unverified) */
  actionTarget: () => validation('Either an instance ID or a lifecycle action token must be specified.'),
  /** (unverified) */
  hookNotFound: (hook: string, group: string) => validation(`No Lifecycle Hook found with name ${hook} for group ${group}`),
  /** (unverified) */
  hookTransitionRequired: () => validation('LifecycleTransition is required for a new lifecycle hook.'),
  /** (unverified) */
  hookTransition: (t: string) => validation(`Invalid lifecycle transition: ${t}`),
  /** (unverified) */
  hookResult: (r: string) => validation(`Invalid lifecycle action result: ${r}. Valid values are CONTINUE and ABANDON.`),
  /** (unverified) */
  hookHeartbeat: (n: number) => validation(`Heartbeat timeout ${n} is out of range: it must be between 30 and 7200 seconds.`),
  /** (unverified) */
  hookLimit: (group: string) => new AwsError('LimitExceededFault', `The number of lifecycle hooks exceeds the limit of 50 for group ${group}.`, 400),
  /** MaxRecords below 1, in Coral's validation wording (unverified for this member). */
  maxRecordsTooSmall: (n: number) => validation(`1 validation error detected: Value '${n}' at 'maxRecords' failed to satisfy constraint: Member must have value greater than or equal to 1`),
};
