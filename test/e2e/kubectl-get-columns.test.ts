/**
 * `kubectl get <resource> -A` prints the same header line as a real Kubernetes 1.32 cluster for
 * every built-in resource the server lists. The expected headers are written from upstream's
 * printers at release-1.32 (`pkg/printers/internalversion/printers.go`, kube-aggregator's APIService
 * printer, and the default `NAME CREATED AT` table of types without a printer); kubectl upper-cases
 * the column names and puts NAMESPACE first for namespaced resources with `-A`. kubectl prints
 * no header for an empty list, so one object of each kind is created first.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTestCSR } from '../../src/apiserver/registry/certificates/test-csr.js';
import { startApiServer, type RunningApiServer } from './harness.js';

/** Header line (without NAMESPACE) of `kubectl get` on a 1.32 cluster, by `api-resources -o name`. */
export const UPSTREAM_HEADERS: Record<string, string> = {
  configmaps: 'NAME DATA AGE',
  componentstatuses: 'NAME STATUS MESSAGE ERROR',
  endpoints: 'NAME ENDPOINTS AGE',
  events: 'LAST SEEN TYPE REASON OBJECT MESSAGE',
  limitranges: 'NAME CREATED AT',
  namespaces: 'NAME STATUS AGE',
  nodes: 'NAME STATUS ROLES AGE VERSION',
  persistentvolumeclaims: 'NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE',
  persistentvolumes: 'NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE',
  pods: 'NAME READY STATUS RESTARTS AGE',
  podtemplates: 'NAME CONTAINERS IMAGES POD LABELS',
  replicationcontrollers: 'NAME DESIRED CURRENT READY AGE',
  // 1.32 still has Age second; kubernetes PR #129419 (1.33) moved it last.
  resourcequotas: 'NAME AGE REQUEST LIMIT',
  secrets: 'NAME TYPE DATA AGE',
  serviceaccounts: 'NAME SECRETS AGE',
  services: 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE',
  'mutatingwebhookconfigurations.admissionregistration.k8s.io': 'NAME WEBHOOKS AGE',
  'validatingadmissionpolicies.admissionregistration.k8s.io': 'NAME VALIDATIONS PARAMKIND AGE',
  'validatingadmissionpolicybindings.admissionregistration.k8s.io': 'NAME POLICYNAME PARAMREF AGE',
  'validatingwebhookconfigurations.admissionregistration.k8s.io': 'NAME WEBHOOKS AGE',
  'customresourcedefinitions.apiextensions.k8s.io': 'NAME CREATED AT',
  'apiservices.apiregistration.k8s.io': 'NAME SERVICE AVAILABLE AGE',
  'controllerrevisions.apps': 'NAME CONTROLLER REVISION AGE',
  'daemonsets.apps': 'NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE',
  'deployments.apps': 'NAME READY UP-TO-DATE AVAILABLE AGE',
  'replicasets.apps': 'NAME DESIRED CURRENT READY AGE',
  'statefulsets.apps': 'NAME READY AGE',
  'horizontalpodautoscalers.autoscaling': 'NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE',
  'cronjobs.batch': 'NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE',
  'jobs.batch': 'NAME STATUS COMPLETIONS DURATION AGE',
  'certificatesigningrequests.certificates.k8s.io': 'NAME AGE SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION',
  'leases.coordination.k8s.io': 'NAME HOLDER AGE',
  'endpointslices.discovery.k8s.io': 'NAME ADDRESSTYPE PORTS ENDPOINTS AGE',
  'events.events.k8s.io': 'LAST SEEN TYPE REASON OBJECT MESSAGE',
  'flowschemas.flowcontrol.apiserver.k8s.io': 'NAME PRIORITYLEVEL MATCHINGPRECEDENCE DISTINGUISHERMETHOD AGE MISSINGPL',
  'prioritylevelconfigurations.flowcontrol.apiserver.k8s.io': 'NAME TYPE NOMINALCONCURRENCYSHARES QUEUES HANDSIZE QUEUELENGTHLIMIT AGE',
  'ingressclasses.networking.k8s.io': 'NAME CONTROLLER PARAMETERS AGE',
  'ingresses.networking.k8s.io': 'NAME CLASS HOSTS ADDRESS PORTS AGE',
  'networkpolicies.networking.k8s.io': 'NAME POD-SELECTOR AGE',
  'runtimeclasses.node.k8s.io': 'NAME HANDLER AGE',
  'poddisruptionbudgets.policy': 'NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE',
  'clusterrolebindings.rbac.authorization.k8s.io': 'NAME ROLE AGE',
  'clusterroles.rbac.authorization.k8s.io': 'NAME CREATED AT',
  'rolebindings.rbac.authorization.k8s.io': 'NAME ROLE AGE',
  'roles.rbac.authorization.k8s.io': 'NAME CREATED AT',
  'priorityclasses.scheduling.k8s.io': 'NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY',
  'csidrivers.storage.k8s.io': 'NAME ATTACHREQUIRED PODINFOONMOUNT STORAGECAPACITY TOKENREQUESTS REQUIRESREPUBLISH MODES AGE',
  'csinodes.storage.k8s.io': 'NAME DRIVERS AGE',
  'csistoragecapacities.storage.k8s.io': 'NAME STORAGECLASSNAME CAPACITY',
  'storageclasses.storage.k8s.io': 'NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE',
  'volumeattachments.storage.k8s.io': 'NAME ATTACHER PV NODE ATTACHED AGE',
};

/** One object of every listable built-in kind that a fresh server does not already hold. */
const FIXTURES = (csr: string) => `
apiVersion: v1
kind: ConfigMap
metadata: {name: hdr}
data: {a: b}
---
apiVersion: v1
kind: Endpoints
metadata: {name: hdr}
subsets: [{addresses: [{ip: 10.0.0.1}], ports: [{port: 80}]}]
---
apiVersion: v1
kind: Event
metadata: {name: hdr.1}
involvedObject: {kind: ConfigMap, name: hdr, namespace: default}
reason: Testing
message: hello
type: Normal
firstTimestamp: "2024-01-01T00:00:00Z"
lastTimestamp: "2024-01-01T00:00:00Z"
count: 1
source: {component: e2e}
---
apiVersion: events.k8s.io/v1
kind: Event
metadata: {name: hdr.2}
eventTime: "2024-01-01T00:00:00.000000Z"
regarding: {kind: ConfigMap, name: hdr, namespace: default}
reason: Testing
action: Test
note: hello
type: Normal
reportingController: example.com/e2e
reportingInstance: e2e-1
---
apiVersion: v1
kind: LimitRange
metadata: {name: hdr}
spec: {limits: [{type: Container, default: {cpu: 100m}}]}
---
apiVersion: v1
kind: Node
metadata: {name: hdr-node}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: hdr}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: hdr-pv}
spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /tmp/x}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: hdr}
---
apiVersion: v1
kind: Pod
metadata: {name: hdr}
spec: {serviceAccountName: hdr, containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: PodTemplate
metadata: {name: hdr}
template:
  metadata: {labels: {a: b}}
  spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: hdr}
spec:
  replicas: 0
  selector: {a: rc}
  template:
    metadata: {labels: {a: rc}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: hdr}
spec: {hard: {pods: "10"}}
---
apiVersion: v1
kind: Secret
metadata: {name: hdr}
stringData: {a: b}
---
apiVersion: v1
kind: Service
metadata: {name: hdr}
spec: {ports: [{port: 80}]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: hdr}
webhooks: []
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: hdr}
webhooks: []
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: hdr}
spec:
  matchConstraints: {resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}]}
  validations: [{expression: "true"}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: hdr}
spec: {policyName: hdr, validationActions: [Warn]}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: headers.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: headers, singular: header, kind: Header}
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
---
apiVersion: apps/v1
kind: ControllerRevision
metadata: {name: hdr}
revision: 1
data: {}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: hdr}
spec:
  selector: {matchLabels: {a: ds}}
  template:
    metadata: {labels: {a: ds}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: hdr}
spec:
  replicas: 0
  selector: {matchLabels: {a: deploy}}
  template:
    metadata: {labels: {a: deploy}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: hdr}
spec:
  replicas: 0
  selector: {matchLabels: {a: rs}}
  template:
    metadata: {labels: {a: rs}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: hdr}
spec:
  replicas: 0
  serviceName: hdr
  selector: {matchLabels: {a: sts}}
  template:
    metadata: {labels: {a: sts}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: hdr}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: hdr}
  minReplicas: 1
  maxReplicas: 3
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: hdr}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: hdr}
spec:
  suspend: true
  template:
    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
---
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: hdr}
spec:
  signerName: example.com/hdr
  usages: [digital signature]
  request: ${csr}
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: hdr}
spec: {holderIdentity: me}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: hdr}
addressType: IPv4
endpoints: [{addresses: [10.0.0.1]}]
ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: hdr}
spec: {controller: example.com/ingress}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: hdr}
spec: {defaultBackend: {service: {name: hdr, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: hdr}
spec: {podSelector: {}}
---
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: hdr}
handler: runc
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: hdr}
spec: {minAvailable: 1, selector: {matchLabels: {a: b}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: hdr}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: hdr}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: hdr}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: hdr}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: hdr}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: hdr}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {name: hdr.example.com}
spec: {attachRequired: false}
---
apiVersion: storage.k8s.io/v1
kind: CSINode
metadata: {name: hdr-node}
spec: {drivers: []}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: hdr}
provisioner: example.com/hdr
---
apiVersion: storage.k8s.io/v1
kind: VolumeAttachment
metadata: {name: hdr}
spec: {attacher: hdr.example.com, nodeName: hdr-node, source: {persistentVolumeName: hdr-pv}}
`;

/** Upstream resources that may be absent here; a CSIStorageCapacity fixture is applied if served. */
const CSI_STORAGE_CAPACITY = `apiVersion: storage.k8s.io/v1
kind: CSIStorageCapacity
metadata: {name: hdr}
storageClassName: hdr
capacity: 1Gi
`;

describe('kubectl get column headers', () => {
  let s: RunningApiServer;
  const ok = (...args: string[]) => {
    const r = s.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    s = await startApiServer();
  });
  after(async () => {
    await s?.cleanup();
  });

  it('match a real 1.32 cluster for every listable built-in resource', (t) => {
    const builtin = ok('api-resources', '--verbs=list', '-o', 'name').trim().split('\n');
    const namespaced = new Set(ok('api-resources', '--verbs=list', '--namespaced=true', '-o', 'name').trim().split('\n'));
    const applied = s.kubectl(['apply', '-f', '-'], FIXTURES(makeTestCSR('hdr')));
    assert.equal(applied.code, 0, applied.stderr);
    if (builtin.includes('csistoragecapacities.storage.k8s.io')) assert.equal(s.kubectl(['apply', '-f', '-'], CSI_STORAGE_CAPACITY).code, 0);

    const unknown = builtin.filter((r) => !(r in UPSTREAM_HEADERS));
    assert.deepEqual(unknown, [], 'served resources with no upstream header on record');
    const missing = Object.keys(UPSTREAM_HEADERS).filter((r) => !builtin.includes(r));
    if (missing.length) t.diagnostic(`listable on a real 1.32 cluster but not served: ${missing.join(', ')}`);

    const wrong: string[] = [];
    for (const r of builtin) {
      const out = s.kubectl(['get', r, '-A']);
      const header = (out.stdout.split('\n')[0] ?? '').trim().split(/\s{2,}/).join(' ');
      const want = (namespaced.has(r) ? 'NAMESPACE ' : '') + UPSTREAM_HEADERS[r];
      if (header !== want) wrong.push(`${r}: got "${header || out.stderr.trim()}", want "${want}"`);
    }
    assert.deepEqual(wrong, []);
  });

  it('-o wide adds the priority-1 columns', () => {
    const wide = (r: string) => ok('get', r, '-o', 'wide').split('\n')[0]!.trim().split(/\s{2,}/).join(' ');
    assert.equal(wide('pods'), 'NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES');
    assert.equal(wide('deployments'), 'NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR');
    assert.equal(wide('services'), 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR');
    assert.equal(wide('jobs'), 'NAME STATUS COMPLETIONS DURATION AGE CONTAINERS IMAGES SELECTOR');
    assert.equal(wide('nodes'), 'NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME');
    assert.equal(wide('events'), 'LAST SEEN TYPE REASON OBJECT SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME');
  });

  it('prints the rows a real cluster prints', () => {
    assert.match(ok('get', 'pods'), /^hdr\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    assert.match(ok('get', 'deploy'), /^hdr\s+0\/0\s+0\s+0\s+\d+s$/m);
    assert.match(ok('get', 'cm', 'hdr'), /^hdr\s+1\s+\d+s$/m);
    assert.match(ok('get', 'secret', 'hdr'), /^hdr\s+Opaque\s+1\s+\d+s$/m);
    assert.match(ok('get', 'svc', 'hdr'), /^hdr\s+ClusterIP\s+10\.100\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s$/m);
    assert.match(ok('get', 'pdb', 'hdr'), /^hdr\s+1\s+N\/A\s+0\s+\d+s$/m);
    assert.match(ok('get', 'cronjob', 'hdr'), /^hdr\s+\*\/5 \* \* \* \*\s+<none>\s+False\s+0\s+<none>\s+\d+s$/m);
    // The job controller marks a suspended Job with the Suspended condition, which kubectl prints.
    assert.match(ok('get', 'job', 'hdr'), /^hdr\s+Suspended\s+0\/1\s+\d+s$/m);
    assert.match(ok('get', 'hpa', 'hdr'), /^hdr\s+Deployment\/hdr\s+cpu: <unknown>\/80%\s+1\s+3\s+0\s+\d+s$/m);
    assert.match(ok('get', 'ev'), /^\d+\w+\s+Normal\s+Testing\s+configmap\/hdr\s+hello$/m);
    assert.match(ok('get', 'role', 'hdr'), /^hdr\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
  });
});
