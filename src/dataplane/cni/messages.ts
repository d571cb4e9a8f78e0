/**
 * The texts a failed CNI ADD leaves in a pod's FailedCreatePodSandBox event on EKS (containerd
 * + aws-cni): the plugin's own error (cmd/routed-eni-cni-plugin: "add cmd: failed to assign an
 * IP address to container"), wrapped by libcni (`plugin type=… name=… failed (add): …`), wrapped
 * by containerd (`failed to setup network for sandbox "<id>": …`), which the kubelet reports as
 * `Failed to create pod sandbox: rpc error: code = Unknown desc = …`.
 */

/** aws-cni's error when ipamd has no address for the pod. */
export const ADD_CMD_NO_IP = 'add cmd: failed to assign an IP address to container';

/** ipamd's datastore error behind it (ErrNoAvailableIPInDataStore), logged by ipamd. */
export const NO_AVAILABLE_IP_IN_DATASTORE = 'AssignPodIPAddress: no available IP/Prefix addresses';

/**
 * The aws-cni plugin's failed ADD as containerd reports it after "failed to setup network for
 * sandbox …": PodNetworkError's message. The kubelet adds the sandbox and its own prefix.
 */
export function pluginAddError(pluginError: string): string {
  return `plugin type="aws-cni" name="aws-cni" failed (add): ${pluginError}`;
}
