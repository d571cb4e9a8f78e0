/**
 * Keeps the layer order of shared/ARCHITECTURE.md true without anyone remembering it: every
 * import in src/ (tests aside) must point to its own layer or one it may depend on.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { it } from 'node:test';

const SRC = new URL('.', import.meta.url).pathname;

/** Layer → the layers it may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  lib: [],
  store: ['lib'],
  apimachinery: ['lib'],
  kubeclient: ['lib', 'apimachinery'],
  apiserver: ['lib', 'store', 'apimachinery'],
  controllers: ['lib', 'apimachinery', 'kubeclient'],
  scheduler: ['lib', 'apimachinery', 'kubeclient'],
  dataplane: ['lib', 'apimachinery', 'kubeclient'],
  aws: ['lib', 'store', 'apimachinery', 'kubeclient', 'dataplane'],
  server: ['lib', 'store', 'apimachinery', 'kubeclient', 'apiserver', 'controllers', 'scheduler', 'dataplane', 'aws'],
  cli: ['lib', 'apimachinery', 'kubeclient', 'server'],
  console: ['lib'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

function layerOf(file: string): string | undefined {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0] : undefined;
}

it('every import respects the layer order', () => {
  const violations: string[] = [];
  for (const file of files(SRC)) {
    const from = layerOf(file);
    if (!from) continue;
    assert.ok(ALLOWED[from], `src/${from} is not a known layer: add it to ALLOWED in src/layers.test.ts and shared/ARCHITECTURE.md`);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2]!;
      const to = layerOf(resolve(dirname(file), spec));
      if (!to || to === from) continue;
      if (!ALLOWED[from]!.includes(to)) violations.push(`${relative(SRC, file)} imports ${spec} (${from} → ${to})`);
    }
  }
  assert.deepEqual(violations, []);
});

it('the check itself catches an upward import', () => {
  assert.equal(ALLOWED.store!.includes('apiserver'), false);
  assert.equal(ALLOWED.controllers!.includes('store'), false);
  assert.equal(ALLOWED.controllers!.includes('apiserver'), false);
});
