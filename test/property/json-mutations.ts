import fc from 'fast-check';
import { deepJson, huge } from './feed-arbitraries.ts';

/*
 * Structured damage to the HF JSON captures: a value of the wrong type, a huge string, 10,000 nested
 * arrays, a deleted field, or an unknown extra key, each at a path chosen among the capture's real paths.
 */

type Path = (string | number)[];
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The fields the parser reads; mutations aimed at these are the ones most likely to break it. */
const KNOWN_FIELDS = new Set([
  'paper',
  'id',
  'title',
  'summary',
  'authors',
  'name',
  'publishedAt',
  'submittedOnDailyAt',
  'upvotes',
  'ai_summary',
  'ai_keywords',
  'githubRepo',
  'githubStars',
  'projectPage',
  'organization',
  'fullname',
  'numComments',
  'thumbnail',
  'withdrawnAt',
  'withdrawn',
  'error',
]);

/** Every path in `value`, the root included. */
export function allPaths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push(...allPaths(v, [...prefix, i]));
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...allPaths(v, [...prefix, k]));
  }
  return out;
}

export interface PathPools {
  any: Path[];
  known: Path[];
  objects: Path[];
}

export function pathPools(value: Json): PathPools {
  const any = allPaths(value);
  const at = (p: Path) => p.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k] as Json, value);
  return {
    any,
    known: any.filter((p) => KNOWN_FIELDS.has(String(p.at(-1)))),
    objects: any.filter((p) => {
      const v = at(p);
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    }),
  };
}

/** Stands in for a value that is spliced in as text after stringifying (deep nesting). */
const DEEP = (i: number) => `\u0000deep${i}\u0000`;

export type JsonMutation =
  | { kind: 'set'; pool: 'any' | 'known'; at: number; value: Json }
  | { kind: 'huge'; pool: 'any' | 'known'; at: number; unit: string; length: number; suffix: string }
  | { kind: 'deep'; pool: 'any' | 'known'; at: number; depth: number; shape: 'array' | 'object' }
  | { kind: 'delete'; pool: 'any' | 'known'; at: number }
  | { kind: 'extra-key'; at: number; key: string; value: Json | { deep: number } };

const pool = fc.constantFrom('any' as const, 'known' as const);

/** Keys no HF shape uses, including the ones that are dangerous on a plain JS object. */
export const unknownKey: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => `zz_${s}`),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'),
);

/** Values of a wrong type for most fields: every JSON kind, plus the edge cases that slip through checks. */
export const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, '', ' ', '1', 'NaN', [], {}, [null], {
    name: 5,
  }),
);

/** Hostile units for huge strings: regex-heavy punctuation, whitespace, markup. */
export const HUGE_UNITS = ['a', ' ', '?', '/', '#', '\n', 'ab ', '<', '&', '·', '\\', '\u00e9', '😀'];

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), pool, at: fc.nat(), value: wrongValue }),
  fc.record({
    kind: fc.constant('huge' as const),
    pool,
    at: fc.nat(),
    unit: fc.constantFrom(...HUGE_UNITS),
    length: fc.integer({ min: 50_000, max: 300_000 }),
    suffix: fc.constantFrom('', 'x', '\nx'),
  }),
  fc.record({
    kind: fc.constant('deep' as const),
    pool,
    at: fc.nat(),
    depth: fc.integer({ min: 1, max: 12_000 }),
    shape: fc.constantFrom('array' as const, 'object' as const),
  }),
  fc.record({ kind: fc.constant('delete' as const), pool, at: fc.nat() }),
  fc.record({
    kind: fc.constant('extra-key' as const),
    at: fc.nat(),
    key: unknownKey,
    value: fc.oneof(wrongValue, fc.record({ deep: fc.integer({ min: 1, max: 10_000 }) })),
  }),
);

function setAt(root: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const parent = path
    .slice(0, -1)
    .reduce<Json>((v, k) => (v as Record<string | number, Json>)[k] as Json, root);
  const key = path.at(-1) as string | number;
  // defineProperty so that a key such as `__proto__` becomes an own, serialisable property.
  if (parent !== null && typeof parent === 'object') {
    Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

function deleteAt(root: Json, path: Path): Json {
  if (path.length === 0) return null;
  const parent = path
    .slice(0, -1)
    .reduce<Json>((v, k) => (v as Record<string | number, Json>)[k] as Json, root);
  const key = path.at(-1) as string | number;
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (parent !== null && typeof parent === 'object') delete parent[key];
  return root;
}

/**
 * Applies the mutations in order to a fresh copy of `source` and returns the JSON text. Paths are chosen
 * from the pools of the unmutated source; a path made stale by an earlier mutation is skipped.
 */
export function applyJsonMutations(source: Json, pools: PathPools, mutations: JsonMutation[]): string {
  let doc = structuredClone(source);
  const deep: string[] = [];
  const placeholder = (depth: number, shape: 'array' | 'object'): string => {
    deep.push(deepJson(depth, shape));
    return DEEP(deep.length - 1);
  };
  for (const m of mutations) {
    const list = m.kind === 'extra-key' ? pools.objects : pools[m.pool];
    const path = list.length > 0 ? list[m.at % list.length] : undefined;
    if (!path || !exists(doc, path)) continue;
    switch (m.kind) {
      case 'set':
        doc = setAt(doc, path, m.value);
        break;
      case 'huge':
        doc = setAt(doc, path, huge(m.unit, m.length) + m.suffix);
        break;
      case 'deep':
        doc = setAt(doc, path, placeholder(m.depth, m.shape));
        break;
      case 'delete':
        doc = deleteAt(doc, path);
        break;
      case 'extra-key': {
        const value = isDeep(m.value) ? placeholder(m.value.deep, 'array') : m.value;
        const target = path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k] as Json, doc);
        if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
          setAt(doc, [...path, m.key], value);
        }
        break;
      }
    }
  }
  return JSON.stringify(doc).replace(/"\\u0000deep(\d+)\\u0000"/g, (_, i) => deep[Number(i)] ?? 'null');
}

function isDeep(v: Json | { deep: number }): v is { deep: number } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.deep === 'number';
}

function exists(root: Json, path: Path): boolean {
  let v: Json | undefined = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return false;
    v = (v as Record<string | number, Json>)[k];
  }
  return true;
}

/** Only unknown extra keys: a capture as HF may serve it after adding fields. */
export const extraKeysOnly: fc.Arbitrary<JsonMutation[]> = fc.array(
  fc.record({
    kind: fc.constant('extra-key' as const),
    at: fc.nat(),
    key: unknownKey,
    value: fc.oneof(wrongValue, fc.record({ deep: fc.integer({ min: 1, max: 10_000 }) })),
  }),
  { minLength: 1, maxLength: 8 },
);

export type { Json };
