/**
 * DefaultTolerationSeconds (plugin/pkg/admission/defaulttolerationseconds): every pod created or
 * updated gets `node.kubernetes.io/not-ready:NoExecute` and `node.kubernetes.io/unreachable:NoExecute`
 * tolerations (operator Exists, tolerationSeconds 300, the kube-apiserver defaults of
 * --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds) unless it
 * already tolerates that taint: a toleration with that key or an empty key, and effect NoExecute or
 * empty, counts. That is what makes the taint-eviction controller wait five minutes before evicting
 * pods from a node that stopped reporting. Subresources are left alone.
 */
import type { AdmissionAttributes } from '../auth/types.js';
import { isResource, type AdmissionPlugin, type PluginFactory } from './types.js';

/** Upstream's default for both flags (seconds). */
export const DEFAULT_TOLERATION_SECONDS = 300;

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

function tolerates(list: Toleration[], key: string): boolean {
  return list.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
}

function admit(a: AdmissionAttributes): void {
  const spec = (a.object!.spec ??= {}) as { tolerations?: Toleration[] };
  const list = spec.tolerations ?? [];
  const add: Toleration[] = [];
  for (const key of [NOT_READY, UNREACHABLE])
    if (!tolerates(list, key)) add.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
  if (add.length) spec.tolerations = [...list, ...add];
}

/** The plugin. */
export const defaultTolerationSecondsPlugin: PluginFactory = (): AdmissionPlugin => ({
  name: 'DefaultTolerationSeconds',
  mutate(a) {
    if (a.subresource || !a.object || !isResource(a, '', 'pods')) return;
    if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
    admit(a);
  },
});
