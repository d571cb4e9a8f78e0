/**
 * Field paths and field sets, as structured-merge-diff's `fieldpath` package defines them, with
 * the FieldsV1 wire form of `metadata.managedFields[].fieldsV1`.
 *
 * A path element selects a struct field or map key (`f:name`), an item of a list-type map by its
 * key fields (`k:{"name":"web"}`), an item of a set by its value (`v:"a"`) or a position
 * (`i:0`). A {@link FieldSet} is a trie of path elements: a node's *members* are the paths that
 * are in the set, its *children* hold longer paths. FieldsV1 writes both in one JSON object, with
 * `".": {}` marking a node that is a member and has children.
 */
import type { JsonObject } from '../json.js';
import { comparePathElements, fieldElement, parsePathElement, type FieldPath, type PathElement } from './path-element.js';

export {
  compareValues,
  comparePathElements,
  fieldElement,
  indexElement,
  keyElement,
  parsePathElement,
  pathElementString,
  pathString,
  valueElement,
  type FieldPath,
  type PathElement,
} from './path-element.js';

/** A child node of a {@link FieldSet}: the element and the paths below it. */
export interface FieldSetChild {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

function byElement(a: { pe: PathElement }, b: { pe: PathElement }): number {
  return comparePathElements(a.pe, b.pe);
}

/**
 * A set of field paths (structured-merge-diff `fieldpath.Set`). Operations return new sets and
 * may share unchanged subtrees with their inputs, so a set must not be mutated once it has been
 * combined with another; {@link FieldSet.insert} is for building a fresh set.
 */
export class FieldSet {
  private readonly members = new Map<string, PathElement>();
  private readonly children = new Map<string, FieldSetChild>();

  /** A set holding the given paths. */
  static fromPaths(paths: Iterable<FieldPath>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Shorthand for paths made of field names only: `[['spec', 'replicas'], ['status']]`. */
  static fromFieldNames(paths: Iterable<readonly string[]>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p.map(fieldElement));
    return s;
  }

  /** Decodes a FieldsV1 object; throws an Error (upstream's wording) on a malformed one. */
  static fromFieldsV1(v: unknown): FieldSet {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('FieldsV1 must be a JSON object');
    return FieldSet.read(v as JsonObject).set ?? new FieldSet();
  }

  private static read(obj: JsonObject): { set: FieldSet | undefined; member: boolean } {
    let set: FieldSet | undefined;
    let member = false;
    for (const [key, v] of Object.entries(obj)) {
      if (key === '.') {
        member = true;
        continue;
      }
      let pe: PathElement | undefined;
      try {
        pe = parsePathElement(key);
      } catch (e) {
        throw new Error(`parsing key as path element: ${(e as Error).message}`);
      }
      if (!pe) continue;
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`value of ${JSON.stringify(key)} must be an object`);
      const child = FieldSet.read(v);
      set ??= new FieldSet();
      if (child.member) set.members.set(pe.id, pe);
      if (child.set) set.attach(pe, child.set);
    }
    return { set, member: member || set === undefined };
  }

  /** Adds one path (no-op for the empty path). Only on a set nobody else holds. */
  insert(path: FieldPath): void {
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.descend(path[i]!);
    const last = path[path.length - 1];
    if (last) node.members.set(last.id, last);
  }

  /** The child node for `pe`, created if missing (building only). */
  descend(pe: PathElement): FieldSet {
    const hit = this.children.get(pe.id);
    if (hit) return hit.set;
    const set = new FieldSet();
    this.children.set(pe.id, { pe, set });
    return set;
  }

  /** Adds `pe` as a member of this node (building only). */
  addMember(pe: PathElement): void {
    this.members.set(pe.id, pe);
  }

  /** Sets `set` as the subtree below `pe`, merged with any already there (building only). */
  attach(pe: PathElement, set: FieldSet): void {
    if (set.isEmpty()) return;
    const prev = this.children.get(pe.id);
    this.children.set(pe.id, { pe, set: prev ? prev.set.union(set) : set });
  }

  /** Drops the child for `pe` if nothing was added below it (building only). */
  dropIfEmpty(pe: PathElement): void {
    const c = this.children.get(pe.id);
    if (c && c.set.isEmpty()) this.children.delete(pe.id);
  }

  /** Whether the exact path is a member. */
  has(path: FieldPath): boolean {
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(path[i]!.id)?.set;
    const last = path[path.length - 1];
    return !!node && !!last && node.members.has(last.id);
  }

  /** Whether `pe` is a member of this node. */
  hasMember(pe: PathElement): boolean {
    return this.members.has(pe.id);
  }

  /** The paths below `pe`, relative to it (empty set if none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(pe.id)?.set ?? EMPTY;
  }

  /** The member elements and child nodes of this node, unordered. */
  get memberElements(): IterableIterator<PathElement> {
    return this.members.values();
  }

  /** The child nodes of this node, unordered. */
  get childNodes(): IterableIterator<FieldSetChild> {
    return this.children.values();
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.isEmpty()) return false;
    return true;
  }

  /** Paths in either set. */
  union(o: FieldSet): FieldSet {
    if (o.isEmpty()) return this;
    if (this.isEmpty()) return o;
    const out = new FieldSet();
    for (const [id, pe] of this.members) out.members.set(id, pe);
    for (const [id, pe] of o.members) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      const oc = o.children.get(id);
      out.children.set(id, oc ? { pe: c.pe, set: c.set.union(oc.set) } : c);
    }
    for (const [id, c] of o.children) if (!this.children.has(id)) out.children.set(id, c);
    return out;
  }

  /** Paths in both sets. */
  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (o.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      const oc = o.children.get(id);
      if (!oc) continue;
      const s = c.set.intersection(oc.set);
      if (!s.isEmpty()) out.children.set(id, { pe: c.pe, set: s });
    }
    return out;
  }

  /** Paths of this set that are not in `o` (a member of `o` does not remove the paths below it). */
  difference(o: FieldSet): FieldSet {
    if (o.isEmpty()) return this;
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (!o.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      const oc = o.children.get(id);
      if (!oc) {
        out.children.set(id, c);
        continue;
      }
      const s = c.set.difference(oc.set);
      if (!s.isEmpty()) out.children.set(id, { pe: c.pe, set: s });
    }
    return out;
  }

  /** Like {@link difference}, but a member of `o` also removes every path below it. */
  recursiveDifference(o: FieldSet): FieldSet {
    if (o.isEmpty()) return this;
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (!o.members.has(id)) out.members.set(id, pe);
    for (const [id, c] of this.children) {
      if (o.members.has(id)) continue;
      const oc = o.children.get(id);
      if (!oc) {
        out.children.set(id, c);
        continue;
      }
      const s = c.set.recursiveDifference(oc.set);
      if (!s.isEmpty()) out.children.set(id, { pe: c.pe, set: s });
    }
    return out;
  }

  equals(o: FieldSet): boolean {
    if (this === o) return true;
    if (this.members.size !== o.members.size || this.children.size !== o.children.size) return false;
    for (const id of this.members.keys()) if (!o.members.has(id)) return false;
    for (const [id, c] of this.children) {
      const oc = o.children.get(id);
      if (!oc || !c.set.equals(oc.set)) return false;
    }
    return true;
  }

  /** Every path, in upstream's iteration order: a node's members (sorted), then its children's paths. */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    this.collect([], out);
    return out;
  }

  private collect(prefix: PathElement[], out: FieldPath[]): void {
    for (const pe of [...this.members.values()].sort(comparePathElements)) out.push([...prefix, pe]);
    for (const c of [...this.children.values()].sort(byElement)) {
      prefix.push(c.pe);
      c.set.collect(prefix, out);
      prefix.pop();
    }
  }

  /** The FieldsV1 object, keys in upstream's serialization order. */
  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    const nodes = new Map<string, { pe: PathElement; member: boolean; set?: FieldSet }>();
    for (const [id, pe] of this.members) nodes.set(id, { pe, member: true });
    for (const [id, c] of this.children) {
      if (c.set.isEmpty()) continue;
      const n = nodes.get(id);
      if (n) n.set = c.set;
      else nodes.set(id, { pe: c.pe, member: false, set: c.set });
    }
    for (const n of [...nodes.values()].sort(byElement)) {
      if (!n.set) out[n.pe.id] = {};
      else out[n.pe.id] = n.member ? { '.': {}, ...n.set.toFieldsV1() } : n.set.toFieldsV1();
    }
    return out;
  }
}

const EMPTY = new FieldSet();
