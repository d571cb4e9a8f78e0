/**
 * events.k8s.io/v1 events. Upstream keeps one internal Event behind both event APIs; this
 * resource maps its fields onto that internal view (regarding → involvedObject, note → message,
 * deprecated* → the core fields) to apply the same rules: the legacy checks plus the strict ones
 * events.k8s.io adds (eventTime, type, reporting fields required; deprecated fields unset; an
 * update may only move the series), and the same printer columns as core/v1 events.
 */
import { field } from '../define.js';
import { eventColumns, legacyEventErrors, strictEventErrors, strictEventUpdateErrors, type EventView, type ObjectReference } from '../core/events.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface Event extends KObject {
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string | null } | null;
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
  reason?: string;
  regarding?: ObjectReference;
  related?: ObjectReference | null;
  note?: string;
  type?: string;
  deprecatedSource?: { component?: string; host?: string };
  deprecatedFirstTimestamp?: string | null;
  deprecatedLastTimestamp?: string | null;
  deprecatedCount?: number;
}

/** The internal (core/v1-shaped) view of an events.k8s.io/v1 event. */
export function eventView(o: KObject): EventView {
  const e = o as Event;
  return {
    namespace: e.metadata?.namespace,
    involvedObject: e.regarding,
    reason: e.reason,
    message: e.note,
    type: e.type,
    source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    eventTime: e.eventTime,
    series: e.series,
    action: e.action,
    related: e.related,
    reportingController: e.reportingController,
    reportingInstance: e.reportingInstance,
  };
}

/** The event strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const eventStrategy = {
  validate(e) {
    const view = eventView(e);
    return [...legacyEventErrors(view), ...strictEventErrors(view)];
  },
  validateUpdate: (e, old) => strictEventUpdateErrors(eventView(e), eventView(old)),
} satisfies ResourceStrategy<Event>;

const regarding = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((k) => `regarding.${k}`);

/** The `events` resource: table data plus its strategy. */
export const events: ResourceDef = {
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  nameColumnPriority: 1,
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  selectableFields: Object.fromEntries([...regarding, 'reason', 'reportingController', 'type'].map((f) => [f, field(f)])),
  printerColumns: eventColumns(eventView),
  strategy: eventStrategy as ResourceStrategy,
};
