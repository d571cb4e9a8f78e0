/**
 * The admission chain: one registry table of plugins in kube-apiserver's order
 * (options.AllOrderedPlugins), of which the chosen ones run — every `mutate` in table order in the
 * mutating phase, then every `validate` in table order in the validating phase. A plugin refuses
 * by throwing; the first refusal ends the request.
 */
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Admission, AdmissionAttributes } from '../auth/types.js';
import { defaultStorageClassPlugin } from './default-storage-class.js';
import { defaultTolerationSecondsPlugin } from './default-toleration-seconds.js';
import { limitRangerPlugin } from './limit-ranger.js';
import { namespaceLifecyclePlugin } from './namespace-lifecycle.js';
import { nodeRestrictionPlugin } from './node-restriction.js';
import { podSecurityPlugin } from './pod-security/plugin.js';
import { validatingAdmissionPolicyPlugin } from './policy/plugin.js';
import { priorityPlugin } from './priority.js';
import { resourceQuotaPlugin } from './resource-quota/plugin.js';
import { serviceAccountPlugin } from './service-account.js';
import type { AdmissionPlugin, ApiAccess, PluginFactory } from './types.js';
import { mutatingWebhookPlugin, validatingWebhookPlugin } from './webhook/plugins.js';

/**
 * Every plugin eksplane has, in kube-apiserver's order (webhooks, policies and ResourceQuota
 * last, as upstream requires). The names are upstream's `--enable-admission-plugins` names.
 */
export const ADMISSION_PLUGINS: ReadonlyArray<readonly [string, PluginFactory]> = [
  ['NamespaceLifecycle', namespaceLifecyclePlugin],
  ['LimitRanger', limitRangerPlugin],
  ['ServiceAccount', serviceAccountPlugin],
  ['NodeRestriction', nodeRestrictionPlugin],
  ['PodSecurity', podSecurityPlugin],
  ['Priority', priorityPlugin],
  ['DefaultTolerationSeconds', defaultTolerationSecondsPlugin],
  ['DefaultStorageClass', defaultStorageClassPlugin],
  ['MutatingAdmissionWebhook', mutatingWebhookPlugin],
  ['ValidatingAdmissionPolicy', validatingAdmissionPolicyPlugin],
  ['ValidatingAdmissionWebhook', validatingWebhookPlugin],
  ['ResourceQuota', resourceQuotaPlugin],
];

/** The names of every plugin, in order: what an EKS cluster enables. */
export const DEFAULT_ADMISSION_PLUGINS: readonly string[] = ADMISSION_PLUGINS.map(([n]) => n);

/** What createAdmissionChain needs. */
export interface AdmissionChainOptions {
  /** The API server whose watch caches plugins read; called lazily, at request time. */
  api: () => ApiAccess;
  clock: Clock;
  log: Logger;
  /** Plugins to enable (default: all); the table decides the order, not this list. */
  plugins?: string[];
}

/** The chain as an Admission, plus the plugins it runs (for tests and diagnostics). */
export interface AdmissionChain extends Admission {
  readonly plugins: readonly AdmissionPlugin[];
}

/**
 * Builds the chain. Throws on a plugin name the table does not know, as kube-apiserver refuses
 * to start with an unknown `--enable-admission-plugins` entry.
 */
export function createAdmissionChain(opts: AdmissionChainOptions): AdmissionChain {
  const wanted = new Set(opts.plugins ?? DEFAULT_ADMISSION_PLUGINS);
  const known = new Set(DEFAULT_ADMISSION_PLUGINS);
  for (const n of wanted) if (!known.has(n)) throw new Error(`admission plugin "${n}" is not known; known plugins: ${DEFAULT_ADMISSION_PLUGINS.join(', ')}`);
  const ctx = { api: opts.api, clock: opts.clock, log: opts.log };
  const plugins = ADMISSION_PLUGINS.filter(([n]) => wanted.has(n)).map(([, make]) => make(ctx));
  const mutating = plugins.filter((p) => p.mutate);
  const validating = plugins.filter((p) => p.validate);
  return {
    plugins,
    async mutate(a: AdmissionAttributes) {
      for (const p of mutating) await p.mutate!(a);
    },
    async validate(a: AdmissionAttributes) {
      for (const p of validating) await p.validate!(a);
    },
  };
}
