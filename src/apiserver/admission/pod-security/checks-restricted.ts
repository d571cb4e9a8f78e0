/**
 * The Restricted checks of the Pod Security Standards, as k8s.io/pod-security-admission/policy
 * at 1.32: privilege escalation, capabilities (drop ALL, add only NET_BIND_SERVICE), volume
 * types, runAsNonRoot, runAsUser != 0 and seccomp RuntimeDefault/Localhost, with their minimum
 * policy versions and the 1.25 exemption of Windows pods from the Linux-only ones. Restricted
 * volume types, capabilities and seccomp replace their Baseline counterparts at this level.
 */
import { validSeccomp } from './checks-baseline.js';
import { pluralize, quoteJoin, visitContainers, type Check, type PodSpecPS } from './model.js';

const ALLOWED_VOLUME_SOURCES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const KNOWN_VOLUME_SOURCES = new Set([
  ...ALLOWED_VOLUME_SOURCES,
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker',
  'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos', 'image',
]);

const isWindows = (spec: PodSpecPS, version: number) => version >= 25 && spec.os?.name === 'windows';
const containerList = (names: string[]) => `${pluralize('container', 'containers', names.length)} ${quoteJoin(names)}`;

const allowPrivilegeEscalation: Check = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  minVersion: 8,
  run(_meta, spec, version) {
    if (isWindows(spec, version)) return undefined;
    const bad: string[] = [];
    visitContainers(spec, (c) => {
      if (c.securityContext?.allowPrivilegeEscalation !== false) bad.push(c.name ?? '');
    });
    return bad.length ? { reason: 'allowPrivilegeEscalation != false', detail: `${containerList(bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
  },
};

const capabilitiesRestricted: Check = {
  id: 'capabilities_restricted',
  level: 'restricted',
  minVersion: 22,
  overrides: ['capabilities_baseline'],
  run(_meta, spec, version) {
    if (isWindows(spec, version)) return undefined;
    const missingDrop: string[] = [];
    const adding: string[] = [];
    const caps = new Set<string>();
    visitContainers(spec, (c) => {
      const cc = c.securityContext?.capabilities;
      if (!cc) return void missingDrop.push(c.name ?? '');
      if (!(cc.drop ?? []).includes('ALL')) missingDrop.push(c.name ?? '');
      const extra = (cc.add ?? []).filter((x) => x !== 'NET_BIND_SERVICE');
      extra.forEach((x) => caps.add(x));
      if (extra.length) adding.push(c.name ?? '');
    });
    const details: string[] = [];
    if (missingDrop.length) details.push(`${containerList(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
    if (adding.length) details.push(`${containerList(adding)} must not include ${quoteJoin([...caps].sort())} in securityContext.capabilities.add`);
    return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
  },
};

const restrictedVolumes: Check = {
  id: 'restrictedVolumes',
  level: 'restricted',
  overrides: ['hostPathVolumes'],
  run(_meta, spec) {
    const names: string[] = [];
    const types = new Set<string>();
    for (const v of spec.volumes ?? []) {
      const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] != null);
      if (sources.some((s) => ALLOWED_VOLUME_SOURCES.has(s))) continue;
      names.push(String(v.name ?? ''));
      types.add(sources.find((s) => KNOWN_VOLUME_SOURCES.has(s)) ?? 'unknown');
    }
    if (!names.length) return undefined;
    const list = [...types].sort();
    return {
      reason: 'restricted volume types',
      detail: `${pluralize('volume', 'volumes', names.length)} ${quoteJoin(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('restricted volume type', 'restricted volume types', list.length)} ${quoteJoin(list)}`,
    };
  },
};

const runAsNonRoot: Check = {
  id: 'runAsNonRoot',
  level: 'restricted',
  run(_meta, spec) {
    const who: string[] = [];
    const podValue = spec.securityContext?.runAsNonRoot;
    if (podValue === false) who.push('pod');
    const explicit: string[] = [];
    const implicit: string[] = [];
    visitContainers(spec, (c) => {
      const v = c.securityContext?.runAsNonRoot;
      if (v === false) explicit.push(c.name ?? '');
      else if (v === undefined && podValue !== true) implicit.push(c.name ?? '');
    });
    if (explicit.length) who.push(containerList(explicit));
    if (who.length) return { reason: 'runAsNonRoot != true', detail: `${who.join(' and ')} must not set securityContext.runAsNonRoot=false` };
    if (implicit.length) return { reason: 'runAsNonRoot != true', detail: `pod or ${containerList(implicit)} must set securityContext.runAsNonRoot=true` };
    return undefined;
  },
};

const runAsUser: Check = {
  id: 'runAsUser',
  level: 'restricted',
  minVersion: 23,
  run(_meta, spec) {
    const who: string[] = [];
    if (spec.securityContext?.runAsUser === 0) who.push('pod');
    const bad: string[] = [];
    visitContainers(spec, (c) => {
      if (c.securityContext?.runAsUser === 0) bad.push(c.name ?? '');
    });
    if (bad.length) who.push(containerList(bad));
    return who.length ? { reason: 'runAsUser=0', detail: `${who.join(' and ')} must not set runAsUser=0` } : undefined;
  },
};

const seccompProfileRestricted: Check = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  minVersion: 19,
  overrides: ['seccompProfile_baseline'],
  run(_meta, spec, version) {
    if (isWindows(spec, version)) return undefined;
    const who: string[] = [];
    const values = new Set<string>();
    const podProfile = spec.securityContext?.seccompProfile;
    let podSet = false;
    if (podProfile) {
      if (!validSeccomp(podProfile.type)) {
        who.push('pod');
        values.add(podProfile.type ?? '');
      } else podSet = true;
    }
    const explicit: string[] = [];
    const implicit: string[] = [];
    visitContainers(spec, (c) => {
      const p = c.securityContext?.seccompProfile;
      if (p) {
        if (!validSeccomp(p.type)) {
          explicit.push(c.name ?? '');
          values.add(p.type ?? '');
        }
      } else if (!podSet) implicit.push(c.name ?? '');
    });
    if (explicit.length) who.push(containerList(explicit));
    if (who.length) return { reason: 'seccompProfile', detail: `${who.join(' and ')} must not set securityContext.seccompProfile.type to ${quoteJoin([...values].sort())}` };
    if (implicit.length) return { reason: 'seccompProfile', detail: `pod or ${containerList(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
    return undefined;
  },
};

/** The Restricted checks, in upstream's (ID) order. */
export const RESTRICTED_CHECKS: readonly Check[] = [allowPrivilegeEscalation, capabilitiesRestricted, restrictedVolumes, runAsNonRoot, runAsUser, seccompProfileRestricted];
