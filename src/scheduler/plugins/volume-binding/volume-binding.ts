/**
 * VolumeBinding and VolumeZone (plugins/volumebinding, plugins/volumezone), for what eksplane's
 * volumes need: every PVC the pod mounts must exist and not be terminating; an unbound PVC whose
 * StorageClass binds Immediately makes the pod wait ("pod has unbound immediate
 * PersistentVolumeClaims"); a bound PV's nodeAffinity must match the node, and its zone label
 * must equal the node's. Unbound WaitForFirstConsumer claims are left to the provisioner, which
 * reads the selected-node annotation PreBind writes.
 */
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { Handle } from '../../handle.js';
import { nodeSelectorMatches } from '../../../apimachinery/node-matching.js';
import type { PodInfo } from '../../pod-info.js';
import { SKIP, asError, unresolvable, type CycleState, type FilterPlugin, type PreBindPlugin, type PreFilterPlugin } from '../../types.js';
import { NODE_ADD_UPDATE } from '../helper.js';

export const ERR_REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_ZONE_CONFLICT = 'node(s) had no available volume zone';
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone', 'topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'];

const STATE = 'PreFilterVolumeBinding';
interface BindingState {
  bound: PersistentVolume[];
  delayed: PersistentVolumeClaim[];
}

const VOLUME_EVENTS = [
  { resource: 'PersistentVolumeClaim', actions: ['Add', 'Update'] },
  { resource: 'PersistentVolume', actions: ['Add', 'Update'] },
  { resource: 'StorageClass', actions: ['Add', 'Update'] },
  NODE_ADD_UPDATE,
] as const;

function claimNames(pod: PodInfo): string[] {
  return (pod.pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : v.ephemeral ? [`${pod.pod.metadata?.name}-${v.name}`] : []));
}

export const volumeBinding = (h: Handle) =>
  ({
    name: 'VolumeBinding',
    events: VOLUME_EVENTS,
    preFilter(state: CycleState, pod: PodInfo) {
      const names = claimNames(pod);
      if (names.length === 0) return SKIP;
      const st: BindingState = { bound: [], delayed: [] };
      let unboundImmediate = false;
      for (const name of names) {
        const pvc = h.listers.pvc(pod.namespace, name);
        if (!pvc) return unresolvable(`persistentvolumeclaim "${name}" not found`);
        if (pvc.metadata?.deletionTimestamp) return unresolvable(`persistentvolumeclaim "${name}" is being deleted`);
        const volumeName = pvc.spec?.volumeName;
        if (volumeName) {
          const pv = h.listers.pv(volumeName);
          if (!pv) return unresolvable(`persistentvolume "${volumeName}" not found`);
          st.bound.push(pv);
          continue;
        }
        const sc = pvc.spec?.storageClassName ? h.listers.storageClass(pvc.spec.storageClassName) : undefined;
        if (sc?.volumeBindingMode === 'WaitForFirstConsumer') st.delayed.push(pvc);
        else unboundImmediate = true;
      }
      if (unboundImmediate) return unresolvable(ERR_REASON_UNBOUND_IMMEDIATE);
      state.write(STATE, st);
      return null;
    },
    filter(state, _pod, node) {
      const st = state.read<BindingState>(STATE);
      if (!st || !node.node) return null;
      for (const pv of st.bound) {
        const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
        if (terms && !nodeSelectorMatches(terms, node.node)) return unresolvable(ERR_REASON_NODE_CONFLICT);
      }
      return null;
    },
    async preBind(state, pod, nodeName) {
      const st = state.read<BindingState>(STATE);
      for (const pvc of st?.delayed ?? []) {
        if (pvc.metadata?.annotations?.[SELECTED_NODE_ANNOTATION] === nodeName) continue;
        try {
          await h.client!.patch({ group: '', version: 'v1', resource: 'persistentvolumeclaims', namespace: pod.namespace, name: pvc.metadata!.name! }, { metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: nodeName } } });
        } catch (err) {
          return asError(err);
        }
      }
      return null;
    },
  }) satisfies PreFilterPlugin & FilterPlugin & PreBindPlugin;

export const volumeZone = (h: Handle) =>
  ({
    name: 'VolumeZone',
    events: VOLUME_EVENTS,
    preFilter(_s, pod) {
      return claimNames(pod).length ? null : SKIP;
    },
    filter(_s, pod, node) {
      const names = claimNames(pod);
      const labels = node.labels;
      for (const name of names) {
        const pvName = h.listers.pvc(pod.namespace, name)?.spec?.volumeName;
        const pv = pvName ? h.listers.pv(pvName) : undefined;
        if (!pv) continue;
        for (const key of ZONE_LABELS) {
          const want = pv.metadata?.labels?.[key];
          if (want === undefined) continue;
          // A PV label may list several zones separated by "__" (volumehelpers.LabelZonesToSet).
          if (!want.split('__').includes(labels[key] ?? '\u0000')) return unresolvable(ERR_REASON_ZONE_CONFLICT);
        }
      }
      return null;
    },
  }) satisfies PreFilterPlugin & FilterPlugin;
