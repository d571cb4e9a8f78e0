/**
 * Pod Security levels and versions from namespace labels (k8s.io/pod-security-admission/api):
 * `pod-security.kubernetes.io/{enforce,audit,warn}` with `-version`, defaulting to
 * privileged:latest; an invalid level or version is reported as a field error and evaluated as
 * restricted:latest (the most restrictive, as the KEP requires). Evaluating a pod against a level
 * runs the checks of that level and below that apply at its version.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { BASELINE_CHECKS } from './checks-baseline.js';
import { RESTRICTED_CHECKS } from './checks-restricted.js';
import type { Check, CheckResult, PodMeta, PodSpecPS } from './model.js';

/** The newest policy version eksplane knows (Kubernetes 1.32): what `latest` means. */
export const LATEST_MINOR = 32;
/** The label prefix of every Pod Security label and audit annotation. */
export const LABEL_PREFIX = 'pod-security.kubernetes.io/';

/** The three Pod Security Standards levels, least to most restrictive. */
export type Level = 'privileged' | 'baseline' | 'restricted';
const LEVELS: Level[] = ['privileged', 'baseline', 'restricted'];

/** A level at a version; `version` undefined is latest. */
export interface LevelVersion {
  level: Level;
  version?: number;
}

/** The three modes of a namespace. */
export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

/** `restricted:latest`, `baseline:v1.28`. */
export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.version === undefined ? 'latest' : `v1.${lv.version}`}`;
}

/** Whether two level/version pairs are the same policy. */
export const sameLevelVersion = (a: LevelVersion, b: LevelVersion): boolean => a.level === b.level && a.version === b.version;

/**
 * PolicyToEvaluate: the namespace's policy and the label errors (as
 * `metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "x": must be …`).
 */
export function policyFromLabels(labels: Record<string, string> | undefined): { policy: Policy; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const mode = (m: 'enforce' | 'audit' | 'warn'): LevelVersion => {
    const out: LevelVersion = { level: 'privileged' };
    const levelKey = `${LABEL_PREFIX}${m}`;
    const versionKey = `${LABEL_PREFIX}${m}-version`;
    const lv = labels?.[levelKey];
    if (lv !== undefined) {
      if ((LEVELS as string[]).includes(lv)) out.level = lv as Level;
      else {
        errors.push({ type: 'FieldValueInvalid', field: `metadata.labels[${levelKey}]`, value: lv, detail: `must be one of ${LEVELS.join(', ')}` });
        return { level: 'restricted' };
      }
    }
    const vv = labels?.[versionKey];
    if (vv !== undefined && vv !== 'latest') {
      const m1 = /^v1\.(0|[1-9][0-9]*)$/.exec(vv);
      if (!m1) {
        errors.push({ type: 'FieldValueInvalid', field: `metadata.labels[${versionKey}]`, value: vv, detail: 'must be "latest" or "v1.x"' });
        return { level: 'restricted' };
      }
      out.version = Number(m1[1]);
    }
    return out;
  };
  return { policy: { enforce: mode('enforce'), audit: mode('audit'), warn: mode('warn') }, errors };
}

/** Whether every mode is privileged (nothing to evaluate). */
export function fullyPrivileged(p: Policy): boolean {
  return p.enforce.level === 'privileged' && p.audit.level === 'privileged' && p.warn.level === 'privileged';
}

/** The checks of a level at a version (baseline ones replaced by their restricted overrides). */
function checksFor(lv: LevelVersion): { checks: Check[]; version: number } {
  const version = Math.min(lv.version ?? LATEST_MINOR, LATEST_MINOR);
  if (lv.level === 'privileged') return { checks: [], version };
  const applies = (c: Check) => (c.minVersion ?? 0) <= version;
  const restricted = lv.level === 'restricted' ? RESTRICTED_CHECKS.filter(applies) : [];
  const overridden = new Set(restricted.flatMap((c) => c.overrides ?? []));
  return { checks: [...BASELINE_CHECKS.filter((c) => applies(c) && !overridden.has(c.id)), ...restricted], version };
}

/** The failed checks of a pod at a level, in check order. */
export function evaluatePod(lv: LevelVersion, meta: PodMeta, spec: PodSpecPS): CheckResult[] {
  const { checks, version } = checksFor(lv);
  const out: CheckResult[] = [];
  for (const c of checks) {
    const r = c.run(meta, spec, version);
    if (r) out.push(r);
  }
  return out;
}

/** AggregateCheckResult.ForbiddenDetail: `reason (detail), reason`. */
export function forbiddenDetail(results: CheckResult[]): string {
  return results.map((r) => (r.detail ? `${r.reason} (${r.detail})` : r.reason)).join(', ');
}

/** AggregateCheckResult.ForbiddenReason: the reasons only. */
export function forbiddenReasons(results: CheckResult[]): string {
  return results.map((r) => r.reason).join(', ');
}
