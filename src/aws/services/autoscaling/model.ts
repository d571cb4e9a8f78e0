/**
 * Stored documents of Auto Scaling: one document per group (settings, members, launches in
 * flight), one per scaling activity. Member names follow botocore's model where the wire shows
 * them; lowerCamelCase members are eksplane's bookkeeping.
 */

/** A group tag (ResourceId is the group name, ResourceType `auto-scaling-group`). */
export interface AsgTag {
  Key: string;
  Value: string;
  PropagateAtLaunch: boolean;
}

/** The launch template the group launches from, resolved to id and name. */
export interface TemplateRef {
  id: string;
  name: string;
  /** As configured: `$Latest`, `$Default` or a number. */
  version: string;
}

/** Lifecycle states of members as Auto Scaling shows them. */
export type LifecycleState = 'Pending' | 'Pending:Wait' | 'Pending:Proceed' | 'InService' | 'Terminating' | 'Terminating:Wait' | 'Terminating:Proceed';

/** The transitions a lifecycle hook can hold (model LifecycleTransition). */
export type LifecycleTransition = 'autoscaling:EC2_INSTANCE_LAUNCHING' | 'autoscaling:EC2_INSTANCE_TERMINATING';

/** A lifecycle hook of a group (wire shape LifecycleHook; timeouts in seconds). */
export interface HookDoc {
  LifecycleHookName: string;
  LifecycleTransition: LifecycleTransition;
  NotificationTargetARN?: string;
  RoleARN?: string;
  NotificationMetadata?: string;
  HeartbeatTimeout: number;
  GlobalTimeout: number;
  DefaultResult: 'CONTINUE' | 'ABANDON';
}

/**
 * A lifecycle action a member waits on: one per hook of the transition, each with its token and
 * its heartbeat deadline; the whole wait ends by `globalDeadline` at the latest (clock ms).
 */
export interface LifecycleActionDoc {
  transition: LifecycleTransition;
  /** Hooks still to be completed, with their tokens and heartbeat deadlines. */
  pending: { hook: string; token: string; deadline: number }[];
  globalDeadline: number;
}

/** An instance of a group. */
export interface MemberDoc {
  instanceId: string;
  instanceType: string;
  az: string;
  subnetId: string;
  lifecycleState: LifecycleState;
  healthStatus: 'Healthy' | 'Unhealthy';
  protectedFromScaleIn: boolean;
  launchedAt: number;
  /** The template version the instance was launched from (a number). */
  templateVersion?: string;
  /** The activity that finishes when the member reaches its next state. */
  activityKey?: string;
  /** The lifecycle action a `Pending:Wait` or `Terminating:Wait` member waits on. */
  lifecycleAction?: LifecycleActionDoc;
}

/**
 * A launch decided but not yet recorded as members: written before EC2 is called, with the
 * ClientToken EC2 launches by, so a restart replays the same launch instead of launching again.
 */
export interface LaunchIntent {
  token: string;
  subnetId: string;
  az: string;
  count: number;
  at: number;
  cause: string;
}

/** An Auto Scaling group: settings as configured, members, launches in flight. */
export interface GroupDoc {
  name: string;
  arn: string;
  createdTime: number;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  defaultCooldown: number;
  healthCheckType: string;
  healthCheckGracePeriod: number;
  /** The LaunchTemplate member as given (echoed by Describe). */
  launchTemplate?: { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string };
  mixedInstancesPolicy?: Record<string, unknown>;
  template?: TemplateRef;
  /** Instance type to launch when neither the template nor an override names one. */
  instanceType?: string;
  subnets: { subnetId: string; az: string }[];
  vpcZoneIdentifier: string;
  availabilityZones: string[];
  terminationPolicies: string[];
  newInstancesProtectedFromScaleIn: boolean;
  capacityRebalance: boolean;
  maxInstanceLifetime?: number;
  defaultInstanceWarmup?: number;
  desiredCapacityType?: string;
  serviceLinkedRoleARN: string;
  tags: AsgTag[];
  suspended: { ProcessName: string; SuspensionReason: string }[];
  members: MemberDoc[];
  launching: LaunchIntent[];
  /** Lifecycle hooks (absent in documents written before hooks existed). */
  lifecycleHooks?: HookDoc[];
  deleting: boolean;
  /** Why the desired capacity last changed, as activity causes begin. */
  lastChange: string;
  /** When a launch last failed (launches back off from it). */
  launchFailedAt?: number;
  /** EC2's error for that failed launch (cleared by the next successful one), for EKS's health issues. */
  launchError?: { code: string; message: string };
}

/** A scaling activity (wire shape Activity). */
export interface ActivityDoc {
  ActivityId: string;
  AutoScalingGroupName: string;
  AutoScalingGroupARN: string;
  Description: string;
  Cause: string;
  StartTime: number;
  EndTime?: number;
  StatusCode: 'InProgress' | 'Successful' | 'Failed' | 'Cancelled' | 'PreInService' | 'WaitingForInstanceId' | 'MidLifecycleAction';
  StatusMessage?: string;
  Progress: number;
  Details: string;
}
