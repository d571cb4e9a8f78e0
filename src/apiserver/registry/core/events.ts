/**
 * core/v1 events, and the event rules both event APIs share. Upstream stores one internal Event
 * for core/v1 and events.k8s.io/v1; its validation (pkg/apis/core/validation/events.go) and
 * printer (printEvent) work on that internal shape, which is core/v1's. events.k8s.io maps its
 * fields onto this view (see events/events.ts).
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { isDNS1123Subdomain, isQualifiedName } from '../../../apimachinery/validation.js';
import { age } from '../../endpoints/table.js';
import { field } from '../define.js';
import type { KObject, PrinterColumn, ResourceDef, ResourceStrategy } from '../resource.js';
import { immutable, invalid, required } from './field-errors.js';
import { column } from './printing.js';

/** core/v1 ObjectReference, the `involvedObject` / `regarding` of an event. */
export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** The internal Event, in core/v1 spelling. */
export interface EventView {
  namespace?: string;
  involvedObject?: ObjectReference;
  reason?: string;
  message?: string;
  type?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  count?: number;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string | null } | null;
  action?: string;
  related?: ObjectReference | null;
  reportingController?: string;
  reportingInstance?: string;
}

/** core/v1 spells reportingController `reportingComponent` on the wire. */
interface CoreEvent extends KObject, Omit<EventView, 'namespace' | 'reportingController'> {
  reportingComponent?: string;
}

const LIMIT = { reportingInstance: 128, action: 128, reason: 128, message: 1024 };

/** legacyValidateEvent: namespace agreement, and for new-style events (eventTime set) the reporting fields. */
export function legacyEventErrors(e: EventView): FieldError[] {
  const errs: FieldError[] = [];
  const ns = e.namespace ?? '';
  const involvedNs = e.involvedObject?.namespace ?? '';
  const mismatch = () => invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace');
  if (!e.eventTime) {
    if (!involvedNs ? ns !== '' && ns !== 'default' : ns !== involvedNs) errs.push(mismatch());
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(mismatch());
    const rc = e.reportingController ?? '';
    if (!rc) errs.push(required('reportingController'));
    for (const m of isQualifiedName(rc)) errs.push(invalid('reportingController', rc, m));
    const ri = e.reportingInstance ?? '';
    if (!ri) errs.push(required('reportingInstance'));
    if (ri.length > LIMIT.reportingInstance) errs.push(invalid('reportingInstance', '', `can have at most ${LIMIT.reportingInstance} characters`));
    if (!e.action) errs.push(required('action'));
    if ((e.action ?? '').length > LIMIT.action) errs.push(invalid('action', '', `can have at most ${LIMIT.action} characters`));
    if (!e.reason) errs.push(required('reason'));
    if ((e.reason ?? '').length > LIMIT.reason) errs.push(invalid('reason', '', `can have at most ${LIMIT.reason} characters`));
    if ((e.message ?? '').length > LIMIT.message) errs.push(invalid('message', '', `can have at most ${LIMIT.message} characters`));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(invalid('namespace', ns, m));
  return errs;
}

function seriesErrors(e: EventView): FieldError[] {
  if (!e.series) return [];
  const errs: FieldError[] = [];
  if ((e.series.count ?? 0) < 2) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (!e.series.lastObservedTime) errs.push(required('series.lastObservedTime'));
  return errs;
}

/** The stricter create rules of events.k8s.io/v1 (ValidateEventCreate beyond the legacy ones). */
export function strictEventErrors(e: EventView): FieldError[] {
  const errs = seriesErrors(e);
  if (!e.eventTime) errs.push(required('eventTime'));
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${e.type ?? ''}`));
  if (e.firstTimestamp) errs.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (e.lastTimestamp) errs.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (e.count) errs.push(invalid('count', '', 'needs to be unset'));
  if (e.source?.component || e.source?.host) errs.push(invalid('source', '', 'needs to be unset'));
  return errs;
}

/** The update rules of events.k8s.io/v1: a changed series is re-validated, everything else is immutable. */
export function strictEventUpdateErrors(e: EventView, old: EventView): FieldError[] {
  const errs: FieldError[] = [];
  if (JSON.stringify(e.series ?? null) !== JSON.stringify(old.series ?? null)) errs.push(...seriesErrors(e));
  const keys = ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'reason', 'type', 'eventTime', 'action', 'related', 'reportingController', 'reportingInstance'] as const;
  for (const k of keys) errs.push(...immutable(k, e[k], old[k]));
  return errs;
}

/** formatEventSource: component (or reportingController), then `, host` (or reportingInstance). */
function eventSource(e: EventView): string {
  const component = e.source?.component || e.reportingController || '';
  const host = e.source?.host || e.reportingInstance || '';
  return host ? `${component}, ${host}` : component;
}

/**
 * The event printer columns (printEvent, wide output): LAST SEEN TYPE REASON OBJECT MESSAGE, and
 * wide SUBOBJECT SOURCE FIRST SEEN COUNT. Upstream's wide Name column is left out because the
 * table builder always shows the name first.
 */
export function eventColumns(view: (o: KObject) => EventView): PrinterColumn[] {
  const first = (e: EventView, now: number) => (e.firstTimestamp ? age(e.firstTimestamp, now) : age(e.eventTime ?? undefined, now));
  const last = (e: EventView, now: number) => {
    if (e.series) return age(e.series.lastObservedTime ?? undefined, now);
    return e.lastTimestamp ? age(e.lastTimestamp, now) : first(e, now);
  };
  const target = (e: EventView) => {
    const kind = (e.involvedObject?.kind ?? '').toLowerCase();
    return e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
  };
  return [
    column('Last Seen', (o, now) => last(view(o), now), { description: 'The time at which the most recent occurrence of this event was recorded.' }),
    column('Type', (o) => view(o).type ?? '', { description: 'Type of this event (Normal, Warning), new types could be added in the future' }),
    column('Reason', (o) => view(o).reason ?? '', { description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status." }),
    column('Object', (o) => target(view(o)), { description: 'The object that this event is about.' }),
    column('Subobject', (o) => view(o).involvedObject?.fieldPath ?? '', { priority: 1, description: 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go-field access statement.' }),
    column('Source', (o) => eventSource(view(o)), { priority: 1, description: 'The component reporting this event. Should be a short machine understandable string.' }),
    column('Message', (o) => (view(o).message ?? '').trim(), { description: 'A human-readable description of the status of this operation.' }),
    column('First Seen', (o, now) => first(view(o), now), { priority: 1, description: 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)' }),
    column('Count', (o) => {
      const e = view(o);
      return e.series ? e.series.count ?? 0 : e.count || 1;
    }, { priority: 1, description: 'The number of times this event has occurred.' }),
  ];
}

const coreView = (o: KObject): EventView => {
  const { reportingComponent, ...rest } = o as CoreEvent;
  return { ...rest, reportingController: reportingComponent, namespace: o.metadata?.namespace };
};

/** The core/v1 event strategy: the legacy event rules only, as upstream for this group version. */
export const coreEventStrategy = {
  validate: (e) => legacyEventErrors(coreView(e)),
} satisfies ResourceStrategy<CoreEvent>;

const selectable = ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'type'];

/** The `events` resource: table data plus its strategy. */
export const events: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Event',
  nameColumnPriority: 1,
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  selectableFields: {
    ...Object.fromEntries(selectable.map((f) => [f, field(f)])),
    source: (o) => (o as CoreEvent).source?.component || (o as CoreEvent).reportingComponent || '',
  },
  printerColumns: eventColumns(coreView),
  strategy: coreEventStrategy as ResourceStrategy,
};
