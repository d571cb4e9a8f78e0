/**
 * The shapes Pod Security checks read (the parts of a pod spec they look at), the check contract
 * (policy.Check: an ID, a level, a minimum policy version, the checks it overrides, and a
 * function returning a forbidden reason and detail), and upstream's text helpers.
 */

/** What the checks read of a container's securityContext. */
export interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seLinuxOptions?: { type?: string; user?: string; role?: string; level?: string };
  seccompProfile?: { type?: string; localhostProfile?: string };
  appArmorProfile?: { type?: string; localhostProfile?: string };
  windowsOptions?: { hostProcess?: boolean };
}

/** A container as the checks see it. */
export interface ContainerPS {
  name?: string;
  image?: string;
  ports?: { hostPort?: number }[];
  securityContext?: SecurityContext;
}

/** The pod-level securityContext fields the checks read. */
export interface PodSecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  seLinuxOptions?: { type?: string; user?: string; role?: string };
  seccompProfile?: { type?: string };
  appArmorProfile?: { type?: string };
  sysctls?: { name?: string; value?: string }[];
  windowsOptions?: { hostProcess?: boolean };
}

/** A pod spec as the checks see it. */
export interface PodSpecPS {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  os?: { name?: string };
  securityContext?: PodSecurityContext;
  volumes?: ({ name?: string } & Record<string, unknown>)[];
  containers?: ContainerPS[];
  initContainers?: ContainerPS[];
  ephemeralContainers?: ContainerPS[];
}

/** The pod metadata the checks read. */
export interface PodMeta {
  name?: string;
  annotations?: Record<string, string>;
}

/** Why a check forbids a pod: the short reason and, usually, a detail naming what to change. */
export interface CheckResult {
  reason: string;
  detail?: string;
}

/** One check of a level, applying from `minVersion` (a 1.x minor; default 0). */
export interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  minVersion?: number;
  /** Baseline checks this Restricted check replaces at the restricted level. */
  overrides?: string[];
  /** `version` is the policy's minor version (latest = the newest known). */
  run(meta: PodMeta, spec: PodSpecPS, version: number): CheckResult | undefined;
}

/** pluralize(singular, plural, n). */
export function pluralize(singular: string, plural: string, n: number): string {
  return n === 1 ? singular : plural;
}

/** joinQuote: `"a", "b"`. */
export function quoteJoin(items: string[]): string {
  return items.length ? `"${items.join('", "')}"` : '';
}

/** visitContainers: init containers, containers, then ephemeral containers. */
export function visitContainers(spec: PodSpecPS, fn: (c: ContainerPS) => void): void {
  for (const list of [spec.initContainers, spec.containers, spec.ephemeralContainers]) for (const c of list ?? []) fn(c);
}
