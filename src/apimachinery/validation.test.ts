import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldErrorText, invalid, type FieldError } from './errors.js';
import {
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  regexError,
  validateObjectMeta,
  validateObjectMetaUpdate,
  type ObjectMetaInput,
} from './validation.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_1123_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('string validators', () => {
  const table: [string, (v: string) => string[], string, string[]][] = [
    ['isDNS1123Subdomain', isDNS1123Subdomain, 'example.com', []],
    ['isDNS1123Subdomain', isDNS1123Subdomain, 'a', []],
    ['isDNS1123Subdomain', isDNS1123Subdomain, '1-2.3', []],
    ['isDNS1123Subdomain', isDNS1123Subdomain, 'Web', [SUBDOMAIN_MSG]],
    ['isDNS1123Subdomain', isDNS1123Subdomain, 'a..b', [SUBDOMAIN_MSG]],
    ['isDNS1123Subdomain', isDNS1123Subdomain, '-a', [SUBDOMAIN_MSG]],
    ['isDNS1123Subdomain', isDNS1123Subdomain, '', [SUBDOMAIN_MSG]],
    ['isDNS1123Subdomain', isDNS1123Subdomain, 'a'.repeat(254), ['must be no more than 253 characters']],
    ['isDNS1123Label', isDNS1123Label, 'my-name', []],
    ['isDNS1123Label', isDNS1123Label, '123-abc', []],
    ['isDNS1123Label', isDNS1123Label, 'a.b', ['must not contain dots']],
    ['isDNS1123Label', isDNS1123Label, 'A', [LABEL_1123_MSG]],
    ['isDNS1123Label', isDNS1123Label, 'a-', [LABEL_1123_MSG]],
    ['isDNS1123Label', isDNS1123Label, 'a'.repeat(64), ['must be no more than 63 characters']],
    ['isDNS1123Label', isDNS1123Label, `${'a'.repeat(63)}-`, ['must be no more than 63 characters', LABEL_1123_MSG]],
    ['isDNS1035Label', isDNS1035Label, 'my-svc', []],
    ['isDNS1035Label', isDNS1035Label, '1abc', [DNS1035_MSG]],
    ['isQualifiedName', isQualifiedName, 'app', []],
    ['isQualifiedName', isQualifiedName, 'app.kubernetes.io/name', []],
    ['isQualifiedName', isQualifiedName, 'My_Name.1', []],
    ['isQualifiedName', isQualifiedName, '/a', ['prefix part must be non-empty']],
    ['isQualifiedName', isQualifiedName, 'a/', ['name part must be non-empty', QNAME_MSG]],
    ['isQualifiedName', isQualifiedName, '', ['name part must be non-empty', QNAME_MSG]],
    ['isQualifiedName', isQualifiedName, 'Foo.com/a', [`prefix part ${SUBDOMAIN_MSG}`]],
    ['isQualifiedName', isQualifiedName, 'a'.repeat(64), ['name part must be no more than 63 characters']],
    ['isQualifiedName', isQualifiedName, '-a', [QNAME_MSG]],
    ['isValidLabelValue', isValidLabelValue, '', []],
    ['isValidLabelValue', isValidLabelValue, 'v1.2_3-x', []],
    ['isValidLabelValue', isValidLabelValue, 'a b', [LABEL_VALUE_MSG]],
    ['isValidLabelValue', isValidLabelValue, 'a'.repeat(64), ['must be no more than 63 characters']],
    ['isValidLabelValue', isValidLabelValue, 'é', [LABEL_VALUE_MSG]],
    ['isCIdentifier', isCIdentifier, '_x1', []],
    ['isCIdentifier', isCIdentifier, '1x', [regexError("a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'", '[A-Za-z_][A-Za-z0-9_]*', 'my_name', 'MY_NAME', 'MyName')]],
    ['isEnvVarName', isEnvVarName, 'MY_ENV.NAME', []],
    ['isEnvVarName', isEnvVarName, '..x', ["must not start with '..'"]],
    ['isEnvVarName', isEnvVarName, '1X', [regexError("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit", '[-._a-zA-Z][-._a-zA-Z0-9]*', 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1')]],
    ['isConfigMapKey', isConfigMapKey, 'key.name', []],
    ['isConfigMapKey', isConfigMapKey, '.', ["must not be '.'"]],
    ['isValidPortName', isValidPortName, 'http', []],
    ['isValidPortName', isValidPortName, 'h2c-web', []],
    ['isValidPortName', isValidPortName, '123', ['must contain at least one letter (a-z)']],
    ['isValidPortName', isValidPortName, '-a--b-', ['must not contain consecutive hyphens', 'must not begin or end with a hyphen']],
    ['isValidPortName', isValidPortName, 'HTTP', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
    ['isValidPortName', isValidPortName, 'a'.repeat(16), ['must be no more than 15 characters']],
  ];
  for (const [name, fn, value, want] of table) {
    it(`${name}(${JSON.stringify(value.length > 20 ? `${value.slice(0, 8)}…` : value)})`, () => assert.deepEqual(fn(value), want));
  }

  it('counts bytes like Go', () => assert.deepEqual(isValidLabelValue('é'.repeat(32)).slice(0, 1), ['must be no more than 63 characters']));

  it('validates port numbers', () => {
    assert.deepEqual(isValidPortNum(80), []);
    assert.deepEqual(isValidPortNum(0), ['must be between 1 and 65535, inclusive']);
    assert.deepEqual(isValidPortNum(65536), ['must be between 1 and 65535, inclusive']);
  });

  it('lets generateName end in a dash', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.deepEqual(nameIsDNSLabel('web-', true), []);
    assert.deepEqual(nameIsDNSSubdomain('web-', false), [SUBDOMAIN_MSG]);
  });
});

const texts = (errs: FieldError[]): string[] => errs.map(fieldErrorText);
const ns = { namespaced: true, nameValidator: nameIsDNSSubdomain };

describe('validateObjectMeta', () => {
  it('accepts a good namespaced object', () => {
    const meta: ObjectMetaInput = {
      name: 'web',
      namespace: 'default',
      labels: { app: 'web', 'app.kubernetes.io/name': 'x' },
      annotations: { 'Example.com/Note': 'anything goes here: !@#' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u1', controller: true }],
      finalizers: ['kubernetes.io/pvc-protection'],
      managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1' }],
    };
    assert.deepEqual(validateObjectMeta(meta, ns), []);
  });

  const cases: [string, ObjectMetaInput, { namespaced: boolean }, string[]][] = [
    ['name required', { namespace: 'd' }, { namespaced: true }, ['metadata.name: Required value: name or generateName is required']],
    ['bad name', { name: 'Web', namespace: 'd' }, { namespaced: true }, [`metadata.name: Invalid value: "Web": ${SUBDOMAIN_MSG}`]],
    [
      'bad generateName',
      { generateName: 'Web-', name: 'Webx', namespace: 'd' },
      { namespaced: true },
      [`metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_MSG}`, `metadata.name: Invalid value: "Webx": ${SUBDOMAIN_MSG}`],
    ],
    ['namespace required', { name: 'a' }, { namespaced: true }, ['metadata.namespace: Required value']],
    [
      'bad namespace',
      { name: 'a', namespace: 'a.b' },
      { namespaced: true },
      ['metadata.namespace: Invalid value: "a.b": must not contain dots'],
    ],
    ['namespace forbidden', { name: 'a', namespace: 'd' }, { namespaced: false }, ['metadata.namespace: Forbidden: not allowed on this type']],
    ['negative generation', { name: 'a', generation: -1 }, { namespaced: false }, ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
    [
      'bad labels',
      { name: 'a', labels: { 'a b': 'ok', ok: '-bad' } },
      { namespaced: false },
      [`metadata.labels: Invalid value: "a b": ${QNAME_MSG}`, `metadata.labels: Invalid value: "-bad": ${LABEL_VALUE_MSG}`],
    ],
    ['bad annotation key', { name: 'a', annotations: { 'a b': 'x' } }, { namespaced: false }, [`metadata.annotations: Invalid value: "a b": ${QNAME_MSG}`]],
    [
      'annotations too large',
      { name: 'a', annotations: { big: 'x'.repeat(256 * 1024) } },
      { namespaced: false },
      ['metadata.annotations: Too long: must have at most 262144 bytes'],
    ],
    [
      'owner reference fields',
      { name: 'a', ownerReferences: [{}] },
      { namespaced: false },
      [
        'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
        'metadata.ownerReferences.name: Invalid value: "": must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
      ],
    ],
    [
      'bad finalizers',
      { name: 'a', finalizers: ['orphan', 'foregroundDeletion', 'x/y/z'] },
      { namespaced: false },
      [
        `metadata.finalizers: Invalid value: "x/y/z": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
        'metadata.finalizers: Invalid value: ["orphan","foregroundDeletion","x/y/z"]: finalizer orphan and foregroundDeletion cannot be both set',
      ],
    ],
    [
      'bad managedFields',
      { name: 'a', managedFields: [{ manager: 'k\n', operation: 'Patch', fieldsType: 'FieldsV2' }] },
      { namespaced: false },
      [
        'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
        'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
        'metadata.managedFields[0].manager: Invalid value: "k\\n": invalid character U+000A (at position 1)',
      ],
    ],
  ];
  for (const [name, meta, o, want] of cases) {
    it(name, () => assert.deepEqual(texts(validateObjectMeta(meta, { ...o, nameValidator: nameIsDNSSubdomain })), want));
  }

  it('allows only one controller owner and bans Events as owners', () => {
    const errs = validateObjectMeta(
      {
        name: 'a',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r1', uid: '1', controller: true },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r2', uid: '2', controller: true },
          { apiVersion: 'v1', kind: 'Event', name: 'e', uid: '3' },
        ],
      },
      { namespaced: false, nameValidator: nameIsDNSSubdomain },
    );
    assert.deepEqual(
      errs.map((e) => [e.field, e.detail]),
      [
        ['metadata.ownerReferences', 'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/r1 and ReplicaSet/r2'],
        ['metadata.ownerReferences', '/v1, Kind=Event is disallowed from being an owner'],
      ],
    );
  });

  it('feeds invalid() for a 422 with causes', () => {
    const err = invalid('Pod', '', 'Web', validateObjectMeta({ name: 'Web' }, ns));
    assert.equal(err.code, 422);
    assert.equal(err.message, `Pod "Web" is invalid: [metadata.name: Invalid value: "Web": ${SUBDOMAIN_MSG}, metadata.namespace: Required value]`);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMetaInput = {
    name: 'a',
    namespace: 'd',
    uid: 'u1',
    resourceVersion: '5',
    generation: 2,
    creationTimestamp: '2024-01-01T00:00:00Z',
    finalizers: ['f1'],
  };

  it('accepts a label change', () => assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { x: 'y' } }, old), []));
  it('treats "" and absent as the same value', () => assert.deepEqual(validateObjectMetaUpdate({ ...old, namespace: '' }, { ...old, namespace: undefined }), []));

  it('rejects changes to immutable fields', () => {
    const errs = validateObjectMetaUpdate({ ...old, name: 'b', namespace: 'e', uid: 'u2', creationTimestamp: '2025-01-01T00:00:00Z', deletionTimestamp: 'x', deletionGracePeriodSeconds: 30 }, old);
    assert.deepEqual(texts(errs), [
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.namespace: Invalid value: "e": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
      'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
      'metadata.deletionTimestamp: Invalid value: "x": field is immutable',
      'metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable',
    ]);
  });

  it('requires a resourceVersion and a non-decreasing generation', () => {
    assert.deepEqual(texts(validateObjectMetaUpdate({ ...old, resourceVersion: '', generation: 1 }, old)), [
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
      'metadata.generation: Invalid value: 1: must not be decremented',
    ]);
  });

  it('forbids new finalizers once deletion started', () => {
    const deleting = { ...old, deletionTimestamp: '2024-02-01T00:00:00Z' };
    assert.deepEqual(texts(validateObjectMetaUpdate({ ...deleting, finalizers: ['f1', 'b', 'a'] }, deleting)), [
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a", "b"}',
    ]);
    assert.deepEqual(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting), []);
    assert.deepEqual(validateObjectMetaUpdate({ ...old, finalizers: ['f1', 'x'] }, old), []);
  });
});
