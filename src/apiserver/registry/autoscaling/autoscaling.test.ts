import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cells, created, createErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { formatHPAMetrics, horizontalpodautoscalers } from './horizontalpodautoscalers.js';
import { horizontalpodautoscalersV1, hpaV1ToV2, hpaV2ToV1 } from './hpa-v1.js';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const hpa = (spec: Record<string, unknown>, version = 'v2'): KObject => ({ apiVersion: `autoscaling/${version}`, kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' }, spec: { scaleTargetRef: ref, maxReplicas: 5, ...spec } });
const cpu = (u: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: u } } });

describe('autoscaling/v2 horizontalpodautoscalers', () => {
  it('defaults minReplicas, the CPU metric and behavior rules', () => {
    const h = created(horizontalpodautoscalers, hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }));
    const spec = h.spec as Record<string, unknown>;
    assert.equal(spec.minReplicas, 1);
    assert.deepEqual(spec.metrics, [cpu(80)]);
    assert.deepEqual(spec.behavior, {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], stabilizationWindowSeconds: 60 },
    });
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['valid', { minReplicas: 2, metrics: [cpu(60)] }, []],
    ['max below min', { minReplicas: 6 }, ['spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`']],
    ['zero max', { maxReplicas: 0 }, ['spec.maxReplicas: Invalid value: 0: must be greater than 0', 'spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`']],
    ['no target', { scaleTargetRef: { kind: 'Deployment' } }, ['spec.scaleTargetRef.name: Required value']],
    ['zero utilization', { metrics: [cpu(0)] }, ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']],
    ['pods without averageValue', { metrics: [{ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'Value', value: '10' } } }] }, ['spec.metrics[0].pods.target.averageValue: Required value: must specify a positive target averageValue']],
    ['wrong source', { metrics: [{ type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] }, ['spec.metrics[0].pods: Required value: must populate information for the given metric source']],
    ['two sources', { metrics: [{ ...cpu(50), pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1' } } }] }, ['spec.metrics[0].pods: Forbidden: must populate the given metric source only']],
    ['bad policy', { behavior: { scaleUp: { policies: [{ type: 'Nodes', value: 0, periodSeconds: 4000 }] } } }, [
      'spec.behavior.scaleUp.policies[0].type: Unsupported value: "Nodes": supported values: "Percent", "Pods"',
      'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
      'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 4000: must be less than or equal to 1800',
    ]],
  ];
  for (const [name, spec, want] of cases) it(name, () => assert.deepEqual(createErrors(horizontalpodautoscalers, hpa(spec)), want));

  it('prints targets as formatHPAMetrics', () => {
    const h = created(horizontalpodautoscalers, hpa({}));
    assert.deepEqual(cells(horizontalpodautoscalers, h), { Reference: 'Deployment/web', Targets: 'cpu: <unknown>/80%', MinPods: '1', MaxPods: 5, Replicas: 0, Age: '60s' });
    const specs = [cpu(50), { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } }, { type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '30' } } }];
    const statuses = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 20 } } }, { type: 'Pods', pods: { current: { averageValue: '250' } } }];
    assert.equal(formatHPAMetrics(specs, statuses), 'cpu: 20%/50%, 250/1k + 1 more...');
    assert.equal(formatHPAMetrics([], []), '<none>');
  });
});

describe('autoscaling/v1 horizontalpodautoscalers (conversion)', () => {
  it('converts the CPU target both ways and keeps other metrics in annotations', () => {
    const v2 = hpaV1ToV2(hpa({ minReplicas: 1, targetCPUUtilizationPercentage: 70 }, 'v1'));
    assert.deepEqual(v2.spec?.metrics, [cpu(70)]);
    const mixed = hpa({ minReplicas: 1, metrics: [cpu(70), { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '5' } } }] });
    const v1 = hpaV2ToV1(mixed);
    assert.equal((v1.spec as Record<string, unknown>).targetCPUUtilizationPercentage, 70);
    assert.ok(v1.metadata?.annotations?.['autoscaling.alpha.kubernetes.io/metrics']);
    assert.deepEqual(hpaV1ToV2(v1).spec?.metrics, (mixed.spec as Record<string, unknown>).metrics);
  });

  it('defaults and validates through the v2 form', () => {
    const h = created(horizontalpodautoscalersV1, hpa({}, 'v1'));
    assert.deepEqual(h.spec, { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80 });
    assert.deepEqual(createErrors(horizontalpodautoscalersV1, hpa({ targetCPUUtilizationPercentage: 0 }, 'v1')), ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']);
    assert.equal(cells(horizontalpodautoscalersV1, h).Targets, 'cpu: <unknown>/80%');
  });
});
