/**
 * `kubectl explain` (1.32, OpenAPI v3) against a spawned `eksplane apiserver` prints upstream's
 * documentation text in a real cluster's layout: GROUP/KIND/VERSION, FIELD <type>, DESCRIPTION
 * (a message-typed field's own text, then its type's), FIELDS with one described entry each,
 * and the same for a CRD whose schema carries descriptions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startApiServer, type RunningApiServer } from './harness.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: A gadget does one thing well.
        properties:
          spec:
            type: object
            description: What the gadget should do.
            properties:
              speed: {type: integer, description: Turns per second.}
`;

describe('kubectl explain', () => {
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

  it('prints a kind with its description and every field described', () => {
    const pod = ok('explain', 'pods');
    assert.match(pod, /^KIND:\s+Pod\nVERSION:\s+v1\n\nDESCRIPTION:\n {4}Pod is a collection of containers that can run on a host\. This resource is\n {4}created by clients and scheduled onto hosts\.\n/);
    assert.match(pod, /^FIELDS:\n {2}apiVersion\t<string>\n {4}APIVersion defines the versioned schema of this representation of an object\.$/m);
    assert.match(pod, /^ {2}spec\t<PodSpec>\n {4}Specification of the desired behavior of the pod\. More info:$/m);
    assert.doesNotMatch(pod, /<no description>/);
  });

  it('prints a message-typed field: its own description, then its type\'s', () => {
    const res = ok('explain', 'pods.spec.containers.resources');
    assert.match(res, /^KIND:\s+Pod\nVERSION:\s+v1\n\nFIELD: resources <ResourceRequirements>\n+DESCRIPTION:\n {4}Compute Resources required by this container\. Cannot be updated\. More info:\n/);
    assert.match(res, /^ {4}ResourceRequirements describes the compute resource requirements\.$/m);
    assert.match(res, /^FIELDS:\n {2}claims\t<\[\]ResourceClaim>\n {4}Claims lists the names of resources/m);
    assert.match(res, /^ {2}limits\t<map\[string\]Quantity>\n {4}Limits describes the maximum amount of compute resources allowed\. More info:$/m);
    const containers = ok('explain', 'pods.spec.containers');
    assert.match(containers, /^FIELD: containers <\[\]Container>\n+DESCRIPTION:\n {4}List of containers belonging to the pod\./m);
    assert.match(containers, /^ {4}A single application container that you want to run within a pod\.$/m);
  });

  it('prints the recursive tree without descriptions, as upstream', () => {
    const all = ok('explain', 'deployments', '--recursive');
    assert.match(all, /^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n\nDESCRIPTION:\n {4}Deployment enables declarative updates for Pods and ReplicaSets\.\n {4}\nFIELDS:\n {2}apiVersion\t<string>\n {2}kind\t<string>\n {2}metadata\t<ObjectMeta>\n/);
    assert.match(all, /^ {4}strategy\t<DeploymentStrategy>\n {6}rollingUpdate\t<RollingUpdateDeployment>\n/m);
  });

  it('prints a CRD schema\'s descriptions', async () => {
    const r = s.kubectl(['apply', '-f', '-'], CRD);
    assert.equal(r.code, 0, r.stderr);
    await eventually(() => s.kubectl(['explain', 'gadget']).code === 0, 5000, 'the CRD in OpenAPI');
    const g = ok('explain', 'gadget');
    assert.match(g, /^GROUP:\s+example\.com\nKIND:\s+Gadget\nVERSION:\s+v1\n\nDESCRIPTION:\n {4}A gadget does one thing well\.\n/);
    assert.match(g, /^ {2}metadata\t<ObjectMeta>\n {4}Standard object's metadata\. More info:$/m);
    assert.match(g, /^ {2}spec\t<Object>\n {4}What the gadget should do\.$/m);
    assert.match(ok('explain', 'gadget.spec.speed'), /^FIELD: speed <integer>\n+DESCRIPTION:\n {4}Turns per second\.$/m);
  });
});
