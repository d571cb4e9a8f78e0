/**
 * The texts a failed CNI ADD leaves in a pod's FailedCreatePodSandBox event on EKS (containerd
 * + aws-cni): the plugin's own error (cmd/routed-eni-cni-plugin: "add cmd: failed to assign an
 * IP address to container"), wrapped by libcni (`plugin type=… name=… failed (add): …`), wrapped
 * by containerd (`failed to setup network for sandbox "<id>": …`), which the kubelet reports as
 * `Failed to create pod sandbox: rpc error: code = Unknown desc = …`.
 */
import { createHash } from 'node:crypto';

/** aws-cni's error when ipamd has no address for the pod. */
export const ADD_CMD_NO_IP = 'add cmd: failed to assign an IP address to container';

/** ipamd's datastore error behind it (ErrNoAvailableIPInDataStore), logged by ipamd. */
export const NO_AVAILABLE_IP_IN_DATASTORE = 'AssignPodIPAddress: no available IP/Prefix addresses';

/** The sandbox id of one attempt: 64 hex characters, as containerd's ids. */
export function sandboxId(podUid: string, attempt: number): string {
  return createHash('sha256').update(`${podUid}/${attempt}`).digest('hex');
}

/** containerd's error for a failed ADD of the aws-cni plugin: PodNetworkError's message. */
export function sandboxNetworkError(id: string, pluginError: string): string {
  return `failed to setup network for sandbox "${id}": plugin type="aws-cni" name="aws-cni" failed (add): ${pluginError}`;
}

/** The kubelet's FailedCreatePodSandBox event message for a sandbox error (pkg/kubelet/kuberuntime). */
export function failedCreatePodSandboxMessage(runtimeError: string): string {
  return `Failed to create pod sandbox: rpc error: code = Unknown desc = ${runtimeError}`;
}
