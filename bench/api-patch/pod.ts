/**
 * The 20-container pod the patch benchmark works on, and the patches it sends: what `kubectl set
 * image` sends (a strategic merge patch naming one container), what a client-side `kubectl apply`
 * sends after a change (an annotation and one image, with the `$setElementOrder` list), and the full
 * configuration a server-side apply sends.
 */

export const CONTAINERS = 20;

function container(i: number, image: string): Record<string, unknown> {
  return {
    name: `c${i}`,
    image,
    ports: [{ containerPort: 8000 + i, name: `http-${i}` }],
    env: [
      { name: 'INDEX', value: String(i) },
      { name: 'MODE', value: 'bench' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ],
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    volumeMounts: [{ name: 'data', mountPath: `/data/${i}` }],
  };
}

/** The pod's spec with container `c7` running `image`; every other container runs `base:1`. */
export function podSpec(image = 'base:1'): Record<string, unknown> {
  return {
    serviceAccountName: 'default',
    containers: Array.from({ length: CONTAINERS }, (_, i) => container(i, i === 7 ? image : 'base:1')),
    volumes: [{ name: 'data', emptyDir: {} }],
    tolerations: [{ key: 'bench', operator: 'Exists', effect: 'NoSchedule' }],
  };
}

/** The whole pod object (also the body of a server-side apply). */
export function pod(name: string, image = 'base:1'): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'bench', tier: 'patch' } }, spec: podSpec(image) };
}

/** `kubectl set image pod/<name> c7=<image>`. */
export function setImagePatch(image: string): Record<string, unknown> {
  return { spec: { containers: [{ name: 'c7', image }] } };
}

/**
 * What client-side apply sends after one container's image changed: the last-applied-style
 * annotation, the changed item and the `$setElementOrder` list of all containers.
 */
export function applyLikePatch(image: string): Record<string, unknown> {
  return {
    metadata: { annotations: { 'bench/image': image } },
    spec: {
      '$setElementOrder/containers': Array.from({ length: CONTAINERS }, (_, i) => ({ name: `c${i}` })),
      containers: [{ name: 'c12', image }],
    },
  };
}
