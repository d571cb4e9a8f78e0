/**
 * Realistic pod objects of about 2 KB (as a Deployment's pods look once defaulted: labels, a
 * container with env, resources, ports and a probe, tolerations, a projected token volume), and
 * the naming of the benchmark's pods across namespaces of 1,000 pods each (the per-namespace
 * threshold upstream is 3,000).
 */

export const PODS_PER_NAMESPACE = 1000;
/** Annotation keys the watch test writes and reads. */
export const SEQ_ANNOTATION = 'bench.eksplane.io/seq';

export function namespaceOf(i: number): string {
  return `bench-${String(Math.floor(i / PODS_PER_NAMESPACE)).padStart(3, '0')}`;
}

export function nameOf(i: number): string {
  return `web-${String(i).padStart(6, '0')}`;
}

export function podPath(i: number): string {
  return `/api/v1/namespaces/${namespaceOf(i)}/pods/${nameOf(i)}`;
}

export function namespaceObject(name: string): object {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } };
}

export function podObject(i: number): Record<string, unknown> {
  const app = `web-${i % 50}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: nameOf(i),
      namespace: namespaceOf(i),
      labels: { app, 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'storefront', tier: 'frontend', track: 'stable', 'pod-template-hash': '7d4b9c8f6d' },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/storefront/web:1.14.2',
          imagePullPolicy: 'IfNotPresent',
          args: ['--listen=:8080', '--metrics=:9090', '--log-format=json'],
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
          ],
          env: [
            { name: 'APP_ENV', value: 'production' },
            { name: 'AWS_REGION', value: 'us-west-2' },
            { name: 'DB_HOST', value: 'storefront.cluster-abc123.us-west-2.rds.amazonaws.com' },
            { name: 'CACHE_URL', value: 'redis://storefront-cache.default.svc.cluster.local:6379/0' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
          ],
          resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
          volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      schedulerName: 'default-scheduler',
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      securityContext: {},
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      volumes: [
        {
          name: 'kube-api-access',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
          },
        },
      ],
    },
  };
}
