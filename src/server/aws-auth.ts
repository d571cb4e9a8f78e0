/**
 * The `kube-system/aws-auth` ConfigMap as EKS writes it for a managed node group in the
 * CONFIG_MAP authentication mode: the node role mapped to `system:node:{{EC2PrivateDNSName}}` in
 * system:bootstrappers and system:nodes, so the group's instances can join. Entries others made
 * are kept; the ConfigMap is created when missing; conflicting writers are retried.
 */
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { KubeClient } from '../kubeclient/client.js';
import { isAlreadyExists, isConflict, isNotFound } from '../kubeclient/errors.js';
import type { KubeObject } from '../kubeclient/types.js';

const AWS_AUTH = { group: '', version: 'v1', resource: 'configmaps', namespace: 'kube-system', name: 'aws-auth' };

/** Adds the node role to aws-auth's mapRoles unless a mapping for it is there. */
export async function mapNodeRoleInAwsAuth(client: KubeClient, roleArn: string): Promise<void> {
  const entry = { groups: ['system:bootstrappers', 'system:nodes'], rolearn: roleArn, username: 'system:node:{{EC2PrivateDNSName}}' };
  for (let attempt = 0; attempt < 5; attempt++) {
    let cm: KubeObject & { data?: Record<string, string> };
    try {
      cm = await client.get(AWS_AUTH);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await client.create(AWS_AUTH, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' }, data: { mapRoles: toYaml([entry]) } } as KubeObject);
        return;
      } catch (e) {
        if (isAlreadyExists(e)) continue;
        throw e;
      }
    }
    const parsed = parseYaml(cm.data?.mapRoles ?? '') as unknown;
    const roles = Array.isArray(parsed) ? (parsed as { rolearn?: string }[]) : [];
    if (roles.some((r) => r.rolearn === roleArn)) return;
    try {
      await client.update(AWS_AUTH, { ...cm, data: { ...cm.data, mapRoles: toYaml([...roles, entry]) } });
      return;
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }
}
