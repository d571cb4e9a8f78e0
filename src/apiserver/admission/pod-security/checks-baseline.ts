/**
 * The Baseline checks of the Pod Security Standards, as k8s.io/pod-security-admission/policy
 * check_*.go at 1.32, each with upstream's reason and detail wording: AppArmor profiles,
 * non-default capabilities, host namespaces, hostPath volumes, host ports, privileged, /proc
 * mount, SELinux options, seccomp profiles, sysctls and Windows hostProcess.
 */
import { pluralize, quoteJoin, visitContainers, type Check, type PodMeta, type PodSpecPS, type SecurityContext } from './model.js';

const ALLOWED_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
/** Safe sysctls and the version that allowed each. */
const SYSCTLS: [string, number][] = [
  ['kernel.shm_rmid_forced', 0],
  ['net.ipv4.ip_local_port_range', 0],
  ['net.ipv4.tcp_syncookies', 0],
  ['net.ipv4.ping_group_range', 0],
  ['net.ipv4.ip_unprivileged_port_start', 0],
  ['net.ipv4.ip_local_reserved_ports', 27],
  ['net.ipv4.tcp_keepalive_time', 29],
  ['net.ipv4.tcp_fin_timeout', 29],
  ['net.ipv4.tcp_keepalive_intvl', 29],
  ['net.ipv4.tcp_keepalive_probes', 29],
  ['net.ipv4.tcp_rmem', 32],
  ['net.ipv4.tcp_wmem', 32],
];
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** "pod", `container "a"`, `containers "a", "b"` — the setters a message names. */
function setters(pod: boolean, containers: string[]): string[] {
  const out = pod ? ['pod'] : [];
  if (containers.length) out.push(`${pluralize('container', 'containers', containers.length)} ${quoteJoin(containers)}`);
  return out;
}

/** Containers whose securityContext fails `bad`, in visiting order. */
function badContainers(spec: PodSpecPS, bad: (sc: SecurityContext) => boolean): string[] {
  const out: string[] = [];
  visitContainers(spec, (c) => {
    if (c.securityContext && bad(c.securityContext)) out.push(c.name ?? '');
  });
  return out;
}

const appArmorProfile: Check = {
  id: 'appArmorProfile',
  level: 'baseline',
  run(meta: PodMeta, spec: PodSpecPS) {
    const allowed = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';
    const values = new Set<string>();
    const podType = spec.securityContext?.appArmorProfile?.type;
    const podBad = spec.securityContext?.appArmorProfile !== undefined && !allowed(podType);
    if (podBad) values.add(podType ?? '');
    const containers = badContainers(spec, (sc) => {
      if (!sc.appArmorProfile || allowed(sc.appArmorProfile.type)) return false;
      values.add(sc.appArmorProfile.type ?? '');
      return true;
    });
    const who = setters(podBad, containers);
    const list = [...values].sort();
    const annotations = Object.entries(meta.annotations ?? {})
      .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !(v === '' || v === 'runtime/default' || v.startsWith('localhost/')))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .sort();
    if (annotations.length) {
      list.push(...annotations);
      who.push(pluralize('annotation', 'annotations', annotations.length));
    }
    if (!who.length) return undefined;
    return { reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', list.length), detail: `${who.join(' and ')} must not set AppArmor profile type to ${quoteJoin(list)}` };
  },
};

const capabilitiesBaseline: Check = {
  id: 'capabilities_baseline',
  level: 'baseline',
  run(_meta, spec) {
    const caps = new Set<string>();
    const bad = badContainers(spec, (sc) => {
      const extra = (sc.capabilities?.add ?? []).filter((c) => !ALLOWED_CAPABILITIES.has(c));
      extra.forEach((c) => caps.add(c));
      return extra.length > 0;
    });
    if (!bad.length) return undefined;
    return { reason: 'non-default capabilities', detail: `${pluralize('container', 'containers', bad.length)} ${quoteJoin(bad)} must not include ${quoteJoin([...caps].sort())} in securityContext.capabilities.add` };
  },
};

const hostNamespaces: Check = {
  id: 'hostNamespaces',
  level: 'baseline',
  run(_meta, spec) {
    const set = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => spec[k] === true).map((k) => `${k}=true`);
    return set.length ? { reason: 'host namespaces', detail: set.join(', ') } : undefined;
  },
};

const hostPathVolumes: Check = {
  id: 'hostPathVolumes',
  level: 'baseline',
  run(_meta, spec) {
    const names = (spec.volumes ?? []).filter((v) => v.hostPath != null).map((v) => String(v.name ?? ''));
    return names.length ? { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', names.length)} ${quoteJoin(names)}` } : undefined;
  },
};

const hostPorts: Check = {
  id: 'hostPorts',
  level: 'baseline',
  run(_meta, spec) {
    const bad: string[] = [];
    const ports = new Set<string>();
    visitContainers(spec, (c) => {
      const used = (c.ports ?? []).filter((p) => p.hostPort);
      used.forEach((p) => ports.add(String(p.hostPort)));
      if (used.length) bad.push(c.name ?? '');
    });
    if (!bad.length) return undefined;
    const list = [...ports].sort();
    return { reason: 'hostPort', detail: `${pluralize('container', 'containers', bad.length)} ${quoteJoin(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}` };
  },
};

const privileged: Check = {
  id: 'privileged',
  level: 'baseline',
  run(_meta, spec) {
    const bad = badContainers(spec, (sc) => sc.privileged === true);
    return bad.length ? { reason: 'privileged', detail: `${pluralize('container', 'containers', bad.length)} ${quoteJoin(bad)} must not set securityContext.privileged=true` } : undefined;
  },
};

const procMount: Check = {
  id: 'procMount',
  level: 'baseline',
  run(_meta, spec) {
    const types = new Set<string>();
    const bad = badContainers(spec, (sc) => {
      if (sc.procMount == null || sc.procMount === 'Default') return false;
      types.add(sc.procMount);
      return true;
    });
    return bad.length ? { reason: 'procMount', detail: `${pluralize('container', 'containers', bad.length)} ${quoteJoin(bad)} must not set securityContext.procMount to ${quoteJoin([...types].sort())}` } : undefined;
  },
};

const seLinuxOptions: Check = {
  id: 'seLinuxOptions',
  level: 'baseline',
  run(_meta, spec) {
    const types = new Set<string>();
    let user = false;
    let role = false;
    const bad = (o: { type?: string; user?: string; role?: string }) => {
      let valid = true;
      if (!SELINUX_TYPES.has(o.type ?? '')) {
        types.add(o.type ?? '');
        valid = false;
      }
      if (o.user) {
        user = true;
        valid = false;
      }
      if (o.role) {
        role = true;
        valid = false;
      }
      return !valid;
    };
    const podOpts = spec.securityContext?.seLinuxOptions;
    const podBad = !!podOpts && bad(podOpts);
    const containers = badContainers(spec, (sc) => !!sc.seLinuxOptions && bad(sc.seLinuxOptions));
    const who = setters(podBad, containers);
    if (!who.length) return undefined;
    const data: string[] = [];
    if (types.size) data.push(`${pluralize('type', 'types', types.size)} ${quoteJoin([...types].sort())}`);
    if (user) data.push('user may not be set');
    if (role) data.push('role may not be set');
    return { reason: 'seLinuxOptions', detail: `${who.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
  },
};

/** Shared by the Baseline and Restricted seccomp checks: RuntimeDefault and Localhost are allowed. */
export const validSeccomp = (t: string | undefined): boolean => t === 'RuntimeDefault' || t === 'Localhost';

const seccompProfileBaseline: Check = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  run(_meta, spec) {
    const values = new Set<string>();
    const podProfile = spec.securityContext?.seccompProfile;
    const podBad = !!podProfile && !validSeccomp(podProfile.type);
    if (podBad) values.add(podProfile!.type ?? '');
    const containers = badContainers(spec, (sc) => {
      if (!sc.seccompProfile || validSeccomp(sc.seccompProfile.type)) return false;
      values.add(sc.seccompProfile.type ?? '');
      return true;
    });
    const who = setters(podBad, containers);
    return who.length ? { reason: 'seccompProfile', detail: `${who.join(' and ')} must not set securityContext.seccompProfile.type to ${quoteJoin([...values].sort())}` } : undefined;
  },
};

const sysctls: Check = {
  id: 'sysctls',
  level: 'baseline',
  run(_meta, spec, version) {
    const allowed = new Set(SYSCTLS.filter(([, v]) => v <= version).map(([n]) => n));
    const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name ?? '').filter((n) => !allowed.has(n));
    return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
  },
};

const windowsHostProcess: Check = {
  id: 'windowsHostProcess',
  level: 'baseline',
  run(_meta, spec) {
    const podBad = spec.securityContext?.windowsOptions?.hostProcess === true;
    const containers = badContainers(spec, (sc) => sc.windowsOptions?.hostProcess === true);
    const who = setters(podBad, containers);
    return who.length ? { reason: 'hostProcess', detail: `${who.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true` } : undefined;
  },
};

/** The Baseline checks, in upstream's (ID) order. */
export const BASELINE_CHECKS: readonly Check[] = [appArmorProfile, capabilitiesBaseline, hostNamespaces, hostPathVolumes, hostPorts, privileged, procMount, seLinuxOptions, seccompProfileBaseline, sysctls, windowsHostProcess];
