/**
 * node.k8s.io/v1 runtimeclasses, as pkg/apis/node/validation: the handler is a DNS-1123 label and
 * immutable, overhead quantities are canonical and non-negative, scheduling's node selector and
 * tolerations follow the pod rules; printRuntimeClass shows the handler.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { parseQuantity } from '../../../apimachinery/quantity.js';
import { validateLabels } from '../../../apimachinery/validation.js';
import { dns1123Label, immutable, invalid } from '../core/field-errors.js';
import { canonicalResources } from '../core/pod-defaults.js';
import type { ResourceList, Toleration } from '../core/pod-types.js';
import { validateTolerations } from '../core/pod-validation.js';
import { column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface RuntimeClass extends KObject {
  handler?: string;
  overhead?: { podFixed?: ResourceList };
  scheduling?: { nodeSelector?: Record<string, string>; tolerations?: Toleration[] };
}

/** The RuntimeClass strategy. */
export const runtimeClassStrategy = {
  defaults(rc) {
    if (rc.overhead?.podFixed) rc.overhead.podFixed = canonicalResources(rc.overhead.podFixed, { kind: 'RuntimeClass', version: 'v1' });
  },
  validate(rc) {
    const errs: FieldError[] = dns1123Label(rc.handler ?? '', 'handler');
    for (const [name, q] of Object.entries(rc.overhead?.podFixed ?? {})) {
      if (parseQuantity(q).mantissa < 0n) errs.push(invalid(`overhead.podFixed[${name}]`, String(q), 'must be greater than or equal to 0'));
    }
    if (rc.scheduling) {
      errs.push(...validateLabels(rc.scheduling.nodeSelector, 'scheduling.nodeSelector'));
      errs.push(...validateTolerations(rc.scheduling.tolerations ?? [], 'scheduling.tolerations'));
    }
    return errs;
  },
  validateUpdate: (rc, old) => immutable('handler', rc.handler, old.handler),
} satisfies ResourceStrategy<RuntimeClass>;

/** The `runtimeclasses` resource. */
export const runtimeclasses: ResourceDef = {
  group: 'node.k8s.io',
  version: 'v1',
  kind: 'RuntimeClass',
  plural: 'runtimeclasses',
  singular: 'runtimeclass',
  namespaced: false,
  printerColumns: [
    column('Handler', (o) => (o as RuntimeClass).handler ?? '', {
      description: 'handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class. The possible values are specific to the node & CRI configuration.  It is assumed that all handlers are available on every node, and handlers of the same name are equivalent on every node. For example, a handler called "runc" might specify that the runc OCI runtime (using native Linux containers) will be used to run the containers in a pod. The Handler must be lowercase, conform to the DNS Label (RFC 1123) requirements, and is immutable.',
    }),
  ],
  strategy: runtimeClassStrategy as ResourceStrategy,
};
