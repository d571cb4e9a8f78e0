import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildDescriptions, DESCRIPTIONS_FILE, generate, parseDeclarations } from '../../../scripts/gen-k8s-descriptions.js';

const KT = `import { ObjectMeta } from "../meta/v1";
/**
 * Widget is a demo.
 *
 * Second paragraph.
 */
export interface Widget {
    /** Standard object's metadata. */
    metadata?: ObjectMeta;
    /**
     * mode is one of:
     *   A - first
     */
    mode?: string;
    undocumented?: string;
}
`;

const CN = `/**
* Widget is a demo (client-node).
*/
export declare class V1Widget {
    /**
    * mode, collapsed: \\"A\\" or \\'B\\'.
    */
    'mode'?: string;
    /**
    * newField arrived in a later release.
    */
    'newField'?: string;
    static readonly discriminator: string | undefined;
}
`;

describe('gen-k8s-descriptions', () => {
  it('parses JSDoc of declarations and members, keeping line breaks and undoing client-node escapes', () => {
    const kt = parseDeclarations(KT).get('Widget');
    assert.deepEqual(kt, {
      doc: 'Widget is a demo.\n\nSecond paragraph.',
      fields: { metadata: "Standard object's metadata.", mode: 'mode is one of:\n  A - first' },
    });
    const cn = parseDeclarations(CN, true).get('V1Widget');
    assert.deepEqual(cn?.fields.mode, `mode, collapsed: "A" or 'B'.`);
  });

  it('prefers kubernetes-types and fills the gaps from client-node, only for fields the table has', () => {
    // core/v1 Pod exists in the table; serve fake declaration files for it.
    const table = buildDescriptions(
      ['k8s.io.api.core.v1.Pod'],
      (f) => (f === 'core/v1.d.ts' ? KT.replace('interface Widget', 'interface Pod') : ''),
      (n) => (n === 'V1Pod' ? CN.replace('class V1Widget', 'class V1Pod').replace("'newField'", "'status'").replace("'mode'", "'spec'") : ''),
    );
    assert.deepEqual(table['k8s.io.api.core.v1.Pod'], [
      'Widget is a demo.\n\nSecond paragraph.',
      { metadata: "Standard object's metadata.", spec: `mode, collapsed: "A" or 'B'.`, status: 'newField arrived in a later release.' },
    ]);
  });

  it('descriptions.gen.json is what the generator produces from the installed dependencies (regenerate if this fails)', () => {
    assert.equal(generate(), readFileSync(DESCRIPTIONS_FILE, 'utf8'));
  });
});
