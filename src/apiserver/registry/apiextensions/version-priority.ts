/**
 * Kubernetes' version order (apimachinery's CompareKubeAwareVersionStrings): GA before beta
 * before alpha, higher major first, then higher minor; versions not of the `v1beta2` form come
 * last, alphabetically. Discovery lists a CRD's versions in this order and the first is preferred.
 */
const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;
const STABILITY: Record<string, number> = { '': 3, beta: 2, alpha: 1 };

/** Negative when `a` comes first. */
export function compareKubeVersions(a: string, b: string): number {
  const x = KUBE_VERSION.exec(a);
  const y = KUBE_VERSION.exec(b);
  if (!x || !y) return x ? -1 : y ? 1 : a.localeCompare(b);
  const stab = STABILITY[y[2] ?? '']! - STABILITY[x[2] ?? '']!;
  if (stab) return stab;
  const major = Number(y[1]) - Number(x[1]);
  if (major) return major;
  return Number(y[3] ?? 0) - Number(x[3] ?? 0);
}
