/**
 * DefaultBinder (plugins/defaultbinder): POST pods/<name>/binding with the target node, as
 * kube-scheduler does. KubeClient.create drops the name from the path, so the request is built
 * with resourcePath.
 */
import { resourcePath } from '../../../kubeclient/client.js';
import type { Handle } from '../../handle.js';
import { asError, type BindPlugin } from '../../types.js';

export const defaultBinder = (h: Handle) =>
  ({
    name: 'DefaultBinder',
    async bind(_s, pod, nodeName) {
      const name = pod.metadata!.name!;
      const namespace = pod.metadata!.namespace!;
      try {
        await h.client!.raw({
          method: 'POST',
          path: resourcePath({ group: '', version: 'v1', resource: 'pods', namespace, name, subresource: 'binding' }),
          body: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid: pod.metadata?.uid }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } },
        });
        return null;
      } catch (err) {
        return asError(err);
      }
    },
  }) satisfies BindPlugin;
