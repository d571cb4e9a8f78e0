/**
 * The status conditions a terminating namespace reports, with upstream's types, reasons and
 * messages (pkg/controller/namespace/deletion/status_condition_utils.go): each condition type is
 * always present, False with an "ok" reason unless the deletion found a problem.
 */
import { rfc3339 } from '../../lib/clock.js';
import type { ContentResult } from './content.js';

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

const TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

const OK: Record<(typeof TYPES)[number], { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** The failing conditions implied by a discovery error or a content deletion result. */
export function problemConditions(discoveryError: Error | undefined, content: ContentResult | undefined): Map<string, { reason: string; message: string }> {
  const out = new Map<string, { reason: string; message: string }>();
  if (discoveryError) out.set('NamespaceDeletionDiscoveryFailure', { reason: 'DiscoveryFailed', message: discoveryError.message });
  if (!content) return out;
  if (content.errors.length) {
    const msgs = [...content.errors].sort();
    out.set('NamespaceDeletionContentFailure', { reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}` });
  }
  const remaining = [...content.remaining].filter(([, n]) => n > 0).map(([r, n]) => `${r} has ${n} resource instances`).sort();
  if (remaining.length) out.set('NamespaceContentRemaining', { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` });
  const fins = [...content.finalizers].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`).sort();
  if (fins.length) out.set('NamespaceFinalizersRemaining', { reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${fins.join(', ')}` });
  return out;
}

/**
 * Merges the new state into `existing` conditions (kept in place when unchanged; the transition
 * time moves only when the status flips). Returns the merged list and whether anything changed.
 */
export function mergeConditions(existing: NamespaceCondition[] | undefined, problems: Map<string, { reason: string; message: string }>, now: number): { conditions: NamespaceCondition[]; changed: boolean } {
  const conditions = (existing ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of TYPES) {
    const p = problems.get(type);
    const want = { type, status: (p ? 'True' : 'False') as 'True' | 'False', reason: (p ?? OK[type]).reason, message: (p ?? OK[type]).message };
    const cur = conditions.find((c) => c.type === type);
    if (!cur) {
      conditions.push({ ...want, lastTransitionTime: rfc3339(now) });
      changed = true;
    } else if (cur.status !== want.status || cur.reason !== want.reason || cur.message !== want.message) {
      if (cur.status !== want.status) cur.lastTransitionTime = rfc3339(now);
      Object.assign(cur, { status: want.status, reason: want.reason, message: want.message });
      changed = true;
    }
  }
  return { conditions, changed };
}
