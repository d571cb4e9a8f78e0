/**
 * core/v1 nodes, as pkg/registry/core/node: the kubelet creates a node with its status, so status
 * is kept on create; allocatable defaults to capacity; podCIDR and podCIDRs stay in step (v1
 * conversion); taints are validated (ValidateNode) and providerID / podCIDRs may only go from
 * unset to set (ValidateNodeUpdate). Printer columns as upstream's printNode.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { FieldError } from '../../../apimachinery/errors.js';
import { isValidLabelValue } from '../../../apimachinery/validation.js';
import { at } from '../define.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { duplicate, forbidden, GoLiteral, invalid, notSupported, qualifiedName, required } from './field-errors.js';
import { TAINT_EFFECTS } from './pod-validation.js';
import { ageColumn, column } from './printing.js';

interface Taint {
  key?: string;
  value?: string;
  effect?: string;
  timeAdded?: string;
}

interface Node extends KObject {
  spec?: { podCIDR?: string; podCIDRs?: string[]; providerID?: string; unschedulable?: boolean; taints?: Taint[]; [k: string]: unknown };
  status?: {
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    conditions?: { type?: string; status?: string }[];
    addresses?: { type?: string; address?: string }[];
    nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
    [k: string]: unknown;
  };
}

const CIDR_MSG = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
const CIDR_UPDATE_MSG = 'node updates may not change podCIDR except from "" to valid';

/** True for `a.b.c.d/n` or `v6/n` with a prefix length in range. */
export function isCIDR(s: string): boolean {
  const [ip, bits, extra] = s.split('/');
  if (extra !== undefined || ip === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  return (isIPv4(ip) && n <= 32) || (isIPv6(ip) && n <= 128);
}

function validateTaints(taints: Taint[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  taints.forEach((t, i) => {
    const path = `spec.taints[${i}]`;
    errs.push(...qualifiedName(t.key ?? '', `${path}.key`));
    const msgs = isValidLabelValue(t.value ?? '');
    if (msgs.length) errs.push(invalid(`${path}.value`, t.value ?? '', msgs.join(';')));
    if (!t.effect) errs.push(required(`${path}.effect`));
    else if (!TAINT_EFFECTS.includes(t.effect)) errs.push(notSupported(`${path}.effect`, t.effect ?? '', TAINT_EFFECTS));
    const id = `${t.effect}\u0000${t.key}`;
    if (seen.has(id)) {
      const go = `core.Taint{Key:${JSON.stringify(t.key ?? '')}, Value:${JSON.stringify(t.value ?? '')}, Effect:${JSON.stringify(t.effect ?? '')}, TimeAdded:<nil>}`;
      errs.push(duplicate(path, new GoLiteral(`${go}: taints must be unique by key and effect pair`)));
    }
    seen.add(id);
  });
  return errs;
}

/** The node strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const nodeStrategy = {
  keepStatusOnCreate: true,
  defaults(node) {
    const spec = (node.spec ??= {});
    if (spec.podCIDRs?.length) spec.podCIDR = spec.podCIDRs[0];
    else if (spec.podCIDR) spec.podCIDRs = [spec.podCIDR];
    const st = node.status;
    if (st?.capacity && !st.allocatable) st.allocatable = { ...st.capacity };
  },
  validate(node) {
    const errs: FieldError[] = [];
    const cidrs = node.spec?.podCIDRs ?? [];
    cidrs.forEach((c, i) => {
      if (!isCIDR(c)) errs.push(invalid(`spec.podCIDRs[${i}]`, c, CIDR_MSG));
    });
    errs.push(...validateTaints(node.spec?.taints ?? []));
    return errs;
  },
  validateUpdate(node, old) {
    const errs: FieldError[] = [];
    const seen = new Set<string>();
    (node.status?.addresses ?? []).forEach((a, i) => {
      const id = `${a.type}\u0000${a.address}`;
      if (seen.has(id)) errs.push(duplicate(`status.addresses[${i}]`, new GoLiteral(`core.NodeAddress{Type:${JSON.stringify(a.type ?? '')}, Address:${JSON.stringify(a.address ?? '')}}`)));
      seen.add(id);
    });
    const before = old.spec?.podCIDRs ?? [];
    const now = node.spec?.podCIDRs ?? [];
    if (before.length && (before.length !== now.length || before.some((c, i) => c !== now[i]))) errs.push(forbidden('spec.podCIDRs', CIDR_UPDATE_MSG));
    const pid = old.spec?.providerID;
    if (pid && pid !== node.spec?.providerID) errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
    return errs;
  },
} satisfies ResourceStrategy<Node>;

/** printNode's STATUS: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatus(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** findNodeRoles: `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role` values, sorted. */
export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

const n = (o: KObject) => o as Node;
const address = (o: KObject, type: string) => n(o).status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
const info = (o: KObject, key: 'osImage' | 'kernelVersion' | 'containerRuntimeVersion') => n(o).status?.nodeInfo?.[key] || '<unknown>';

/** The `nodes` resource: table data plus its strategy. */
export const nodes: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  subresources: { status: true },
  selectableFields: { 'spec.unschedulable': (o) => String(at(o, 'spec.unschedulable') ?? false) },
  printerColumns: [
    column('Status', (o) => nodeStatus(n(o)), { description: 'The status of the node' }),
    column('Roles', (o) => nodeRoles(n(o)), { description: 'The roles of the node' }),
    ageColumn,
    column('Version', (o) => n(o).status?.nodeInfo?.kubeletVersion ?? '', { description: 'Kubelet Version reported by the node.' }),
    column('Internal-IP', (o) => address(o, 'InternalIP'), { priority: 1, description: 'List of addresses reachable to the node.' }),
    column('External-IP', (o) => address(o, 'ExternalIP'), { priority: 1, description: 'List of addresses reachable to the node.' }),
    column('OS-Image', (o) => info(o, 'osImage'), { priority: 1, description: 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).' }),
    column('Kernel-Version', (o) => info(o, 'kernelVersion'), { priority: 1, description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)." }),
    column('Container-Runtime', (o) => info(o, 'containerRuntimeVersion'), { priority: 1, description: 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).' }),
  ],
  strategy: nodeStrategy as ResourceStrategy,
};
