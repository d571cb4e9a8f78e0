/**
 * flowcontrol.apiserver.k8s.io/v1 prioritylevelconfigurations (+status), as
 * pkg/apis/flowcontrol/validation and v1 defaults: Exempt levels default their shares and
 * lendable percent to 0; Limited levels default nominalConcurrencyShares to 30, lendablePercent
 * to 0 and queuing to 64 queues, hand size 8, queue length 50; `exempt` (and only it) is of type
 * Exempt; queuing fits its hand in its queues. printPriorityLevelConfiguration's columns.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { forbidden, invalid, notSupported, required } from '../core/field-errors.js';
import { ageColumn, column } from '../core/printing.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface Queuing {
  queues?: number;
  handSize?: number;
  queueLengthLimit?: number;
}

/** A PriorityLevelConfiguration as stored. */
export interface PriorityLevelConfiguration extends KObject {
  spec?: {
    type?: string;
    limited?: { nominalConcurrencyShares?: number; lendablePercent?: number; borrowingLimitPercent?: number; limitResponse?: { type?: string; queuing?: Queuing } };
    exempt?: { nominalConcurrencyShares?: number; lendablePercent?: number };
  };
}

const TYPES = ['Exempt', 'Limited'];
const RESPONSE_TYPES = ['Queue', 'Reject'];

function validateQueuing(q: Queuing, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const [queues, hand, limit] = [q.queues ?? 0, q.handSize ?? 0, q.queueLengthLimit ?? 0];
  if (limit <= 0) errs.push(invalid(`${path}.queueLengthLimit`, limit, 'must be positive'));
  if (queues <= 0) errs.push(invalid(`${path}.queues`, queues, 'must be positive'));
  if (hand <= 0) errs.push(invalid(`${path}.handSize`, hand, 'must be positive'));
  else if (queues > 0 && hand > queues) errs.push(invalid(`${path}.handSize`, hand, `should not be greater than queues (${queues})`));
  return errs;
}

const percent = (v: number | undefined, path: string) => (v != null && (v < 0 || v > 100) ? [invalid(path, v, 'must be between 0 and 100, inclusive')] : []);

/** The PriorityLevelConfiguration strategy. */
export const priorityLevelStrategy = {
  defaults(pl) {
    const spec = (pl.spec ??= {});
    if (spec.exempt) {
      spec.exempt.nominalConcurrencyShares ??= 0;
      spec.exempt.lendablePercent ??= 0;
    }
    if (spec.limited) {
      spec.limited.nominalConcurrencyShares ??= 30;
      spec.limited.lendablePercent ??= 0;
      const q = spec.limited.limitResponse?.queuing;
      if (q) {
        q.queues ||= 64;
        q.handSize ||= 8;
        q.queueLengthLimit ||= 50;
      }
    }
  },
  validate(pl) {
    const spec = pl.spec ?? {};
    const errs: FieldError[] = [];
    const type = spec.type ?? '';
    if ((pl.metadata?.name === 'exempt') !== (type === 'Exempt')) errs.push(invalid('spec.type', type, "type must be 'Exempt' if and only if name is 'exempt'"));
    if (type === 'Exempt') {
      if (spec.limited) errs.push(forbidden('spec.limited', 'must be nil if the type is not Limited'));
      if (spec.exempt) {
        const n = spec.exempt.nominalConcurrencyShares;
        if (n != null && n < 0) errs.push(invalid('spec.exempt.nominalConcurrencyShares', n, 'must be a non-negative integer'));
        errs.push(...percent(spec.exempt.lendablePercent, 'spec.exempt.lendablePercent'));
      }
    } else if (type === 'Limited') {
      if (spec.exempt) errs.push(forbidden('spec.exempt', 'must be nil if the type is Limited'));
      const l = spec.limited;
      if (!l) errs.push(required('spec.limited', 'must not be empty when type is Limited'));
      else {
        const n = l.nominalConcurrencyShares;
        if (n != null && n < 0) errs.push(invalid('spec.limited.nominalConcurrencyShares', n, 'must be a non-negative integer'));
        errs.push(...percent(l.lendablePercent, 'spec.limited.lendablePercent'));
        if (l.borrowingLimitPercent != null && l.borrowingLimitPercent < 0) errs.push(invalid('spec.limited.borrowingLimitPercent', l.borrowingLimitPercent, 'if specified, must be a non-negative integer'));
        const r = l.limitResponse ?? {};
        if (r.type === 'Queue') {
          if (!r.queuing) errs.push(required('spec.limited.limitResponse.queuing', 'must not be empty if limited.limitResponse.type is Queue'));
          else errs.push(...validateQueuing(r.queuing, 'spec.limited.limitResponse.queuing'));
        } else if (r.type === 'Reject') {
          if (r.queuing) errs.push(forbidden('spec.limited.limitResponse.queuing', 'must be nil if limited.limitResponse.type is not Limited'));
        } else errs.push(notSupported('spec.limited.limitResponse.type', r.type ?? '', RESPONSE_TYPES));
      }
    } else errs.push(notSupported('spec.type', type, TYPES));
    return errs;
  },
} satisfies ResourceStrategy<PriorityLevelConfiguration>;

const p = (o: KObject) => (o as PriorityLevelConfiguration).spec;
const queuing = (o: KObject) => p(o)?.limited?.limitResponse?.queuing;

/** The `prioritylevelconfigurations` resource. */
export const prioritylevelconfigurations: ResourceDef = {
  group: 'flowcontrol.apiserver.k8s.io',
  version: 'v1',
  kind: 'PriorityLevelConfiguration',
  plural: 'prioritylevelconfigurations',
  singular: 'prioritylevelconfiguration',
  namespaced: false,
  subresources: { status: true },
  generation: true,
  printerColumns: [
    column('Type', (o) => p(o)?.type ?? '', { description: '`type` indicates whether this priority level is subject to limitation on request execution.  A value of `"Exempt"` means that requests of this priority level are not subject to a limit (and thus are never queued) and do not detract from the capacity made available to other priority levels.  A value of `"Limited"` means that (a) requests of this priority level _are_ subject to limits and (b) some of the server\'s limited capacity is made available exclusively to this priority level. Required.' }),
    column('NominalConcurrencyShares', (o) => (p(o)?.limited ? p(o)!.limited!.nominalConcurrencyShares ?? 0 : '<none>'), { description: '`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level.' }),
    column('Queues', (o) => queuing(o)?.queues ?? '<none>', { description: '`queues` is the number of queues for this priority level. The queues exist independently at each apiserver. The value must be positive.  Setting it to 1 effectively precludes shufflesharding and thus makes the distinguisher method of associated flow schemas irrelevant.  This field has a default value of 64.' }),
    column('HandSize', (o) => queuing(o)?.handSize ?? '<none>', { description: '`handSize` is a small positive number that configures the shuffle sharding of requests into queues.  When enqueuing a request at this priority level the request\'s flow identifier (a string pair) is hashed and the hash value is used to shuffle the list of queues and deal a hand of the size specified here.  This field has a default value of 8.' }),
    column('QueueLengthLimit', (o) => queuing(o)?.queueLengthLimit ?? '<none>', { description: '`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time; excess requests are rejected.  This value must be positive.  If not specified, it will be defaulted to 50.' }),
    ageColumn,
  ],
  strategy: priorityLevelStrategy as ResourceStrategy,
};
