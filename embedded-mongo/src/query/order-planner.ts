import type { Document } from 'bson';
import type { Collection } from '../storage/collection.js';
import { Rank, TypeBound, compareBson, typeRank } from '../storage/bson-order.js';
import { isPlainObject } from '../storage/key-encoding.js';
import type { IndexKey, IndexScan, OrderedIndex } from '../storage/ordered-index.js';
import type { SortSpec } from './sort.js';

/** An ordered-index walk that yields a superset of the matches already in the requested sort order. */
export interface OrderedPlan {
  readonly index: OrderedIndex;
  /** The intervals to walk, in index order: one, or one per combination of `$in` values on the equality prefix. */
  readonly scans: readonly IndexScan[];
  /** Leading index fields pinned by an equality or an `$in` (used to rank plans). */
  readonly equalityDepth: number;
  /** Whether the walk provides a requested sort (rather than only a range). */
  readonly sorts: boolean;
}

interface Bound {
  value: unknown;
  inclusive: boolean;
}

/** What a filter says about one top-level field, as far as index bounds go. */
interface FieldConstraint {
  /** Set when the field must equal one value (`{ f: v }`, `$eq`, one-element `$in`). */
  eq?: { value: unknown };
  /** Set when the field must equal one of several values (`$in`), distinct, ascending in BSON order. */
  oneOf?: unknown[];
  lower?: Bound;
  upper?: Bound;
}

/** Types that index bounds handle exactly (no arrays, embedded documents or regexes). */
const EQUALITY_RANKS = new Set<number>([Rank.Null, Rank.Number, Rank.String, Rank.ObjectId, Rank.Boolean, Rank.Date]);
const RANGE_RANKS = new Set<number>([Rank.Number, Rank.String, Rank.ObjectId, Rank.Boolean, Rank.Date]);
/** Above this many intervals (combinations of `$in` values) a walk stops paying off; the hash index serves instead. */
const MAX_INTERVALS = 1_000;

/**
 * Plan a walk of an ordered index (the `_id` order or a secondary index's
 * B-tree) for a find: equality on a prefix of the index fields, then an
 * optional range on the next field, with the sort (if any) equal to the
 * remaining index fields in index order or its exact reverse, optionally
 * ending with `_id` (the index's tie-break). Null when no index fits, or when
 * there is neither a sort nor a range to gain from.
 *
 * The walk yields candidates in sort order; the caller still applies the full
 * filter and stops after skip + limit matches, so a keyset page reads about
 * `limit` entries instead of every candidate.
 *
 * An `$in` on an equality-prefix field makes one interval per value, as
 * mongod's index bounds do: `{ tenantId, sku: { $in: [100 SKUs] }, day: range }`
 * reads 100 short ranges instead of every day of every SKU. Such a plan gives
 * no sort (the intervals' union is not in the order of the later fields).
 */
export function planOrderedScan(coll: Collection, filter: Document | undefined, sort: SortSpec | undefined): OrderedPlan | null {
  const constraints = fieldConstraints(filter ?? {});
  const indexes: OrderedIndex[] = [coll.idOrder];
  for (const index of coll.indexes) if (index.ordered) indexes.push(index.ordered);
  let best: OrderedPlan | null = null;
  for (const index of indexes) {
    if (!index.usable) continue;
    const plan = planFor(index, constraints, sort);
    if (plan && (!best || rank(plan) > rank(best))) best = plan;
  }
  return best;
}

/** Plans that give the sort first, then the longest equality prefix. */
function rank(plan: OrderedPlan): number {
  return (plan.sorts ? 1000 : 0) + plan.equalityDepth;
}

function planFor(index: OrderedIndex, constraints: Map<string, FieldConstraint>, sort: SortSpec | undefined): OrderedPlan | null {
  const { fields, directions } = index;
  let depth = 0;
  // Every combination of the prefix's values (one for plain equalities), in index order.
  let prefixes: unknown[][] = [[]];
  while (depth < fields.length) {
    const constraint = constraints.get(fields[depth] as string);
    const values = constraint?.eq ? [constraint.eq.value] : constraint?.oneOf;
    if (!values) break;
    const ordered = directions[depth] === -1 ? [...values].reverse() : values;
    prefixes = prefixes.flatMap((prefix) => ordered.map((value) => [...prefix, value]));
    if (prefixes.length > MAX_INTERVALS) return null;
    depth++;
  }
  const rangeField = fields[depth];
  const range = rangeField === undefined ? null : rangeOf(constraints.get(rangeField));
  const order = sortDirection(index, depth, constraints, sort);
  if (order === null) return null;
  if (!range && !order.sorts) return null;
  if (order.sorts && prefixes.length > 1) return null;
  const { reverse } = order;
  const scans = prefixes.map((equalities) =>
    range
      ? rangeScan(equalities, range, directions[depth] as 1 | -1, reverse)
      : { lower: { values: equalities, edge: -1 as const }, upper: { values: equalities, edge: 1 as const }, reverse },
  );
  return { index, scans, equalityDepth: depth, sorts: order.sorts };
}

/**
 * Whether walking the index backwards or forwards gives the sort (`sorts`
 * false when nothing is left to sort by); null when neither does. Sort fields
 * pinned by an equality are constants and drop out.
 */
function sortDirection(
  index: OrderedIndex,
  depth: number,
  constraints: Map<string, FieldConstraint>,
  sort: SortSpec | undefined,
): { reverse: boolean; sorts: boolean } | null {
  let sign: number | undefined;
  let next = depth;
  for (const [field, dir] of sort ?? []) {
    if (constraints.get(field)?.eq) continue;
    let s: number;
    if (next < index.fields.length && field === index.fields[next]) {
      s = dir * (index.directions[next] as number);
      next++;
    } else if (field === '_id' && next === index.fields.length) {
      // Entries with equal keys are in ascending `_id` order; `_id` is unique, so later sort fields cannot matter.
      if (sign !== undefined && dir !== sign) return null;
      return { reverse: dir < 0, sorts: true };
    } else {
      return null;
    }
    if (sign !== undefined && s !== sign) return null;
    sign = s;
  }
  return { reverse: sign !== undefined && sign < 0, sorts: sign !== undefined };
}

/** Bounds for the field after the equality prefix, in value space; null when the field has no usable range. */
function rangeOf(constraint: FieldConstraint | undefined): { lower: Bound; upper: Bound } | null {
  if (!constraint || constraint.eq || (!constraint.lower && !constraint.upper)) return null;
  const rank = typeRank((constraint.lower ?? constraint.upper)?.value);
  // `{ $gt: 5, $lt: 'x' }` matches nothing on mongod (comparisons stay within a type); do not bother.
  if (constraint.lower && constraint.upper && typeRank(constraint.upper.value) !== rank) return null;
  return {
    lower: constraint.lower ?? { value: new TypeBound(rank, false), inclusive: true },
    upper: constraint.upper ?? { value: new TypeBound(rank, true), inclusive: true },
  };
}

/** Index-order bounds of `equalities` + a range on the next field (whose direction may flip the range). */
function rangeScan(equalities: unknown[], range: { lower: Bound; upper: Bound }, direction: 1 | -1, reverse: boolean): IndexScan {
  const [low, high] = direction === 1 ? [range.lower, range.upper] : [range.upper, range.lower];
  const lower: IndexKey = { values: [...equalities, low.value], edge: low.inclusive ? -1 : 1 };
  const upper: IndexKey = { values: [...equalities, high.value], edge: high.inclusive ? 1 : -1 };
  return { lower, upper, reverse };
}

/** Per top-level field (also inside a top-level `$and`): a single equality value and/or range bounds. */
function fieldConstraints(filter: Document, out = new Map<string, FieldConstraint>()): Map<string, FieldConstraint> {
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) fieldConstraints(clause, out);
      continue;
    }
    if (field.startsWith('$')) continue;
    const constraint = out.get(field) ?? {};
    addCondition(constraint, condition);
    out.set(field, constraint);
  }
  return out;
}

function addCondition(constraint: FieldConstraint, condition: unknown): void {
  const isOperatorDoc = isPlainObject(condition) && Object.keys(condition).some((k) => k.startsWith('$'));
  if (!isOperatorDoc) {
    if (EQUALITY_RANKS.has(typeRank(condition))) constraint.eq = { value: condition };
    return;
  }
  const ops = condition;
  if ('$eq' in ops && EQUALITY_RANKS.has(typeRank(ops.$eq))) constraint.eq = { value: ops.$eq };
  if (Array.isArray(ops.$in) && ops.$in.length > 0 && ops.$in.every((v: unknown) => EQUALITY_RANKS.has(typeRank(v)))) {
    const values = distinctAscending(ops.$in);
    if (values.length === 1) constraint.eq = { value: values[0] };
    else if (!constraint.eq) constraint.oneOf = values;
  }
  for (const [op, inclusive, side] of [
    ['$gt', false, 'lower'],
    ['$gte', true, 'lower'],
    ['$lt', false, 'upper'],
    ['$lte', true, 'upper'],
  ] as const) {
    if (!(op in ops) || !RANGE_RANKS.has(typeRank(ops[op]))) continue;
    const bound = { value: ops[op] as unknown, inclusive };
    const current = constraint[side];
    constraint[side] = current ? tighter(current, bound, side) : bound;
  }
}

/** The values in BSON order without repeats (5 and 5.0 are one key): each interval is walked once. */
function distinctAscending(values: readonly unknown[]): unknown[] {
  const sorted = [...values].sort(compareBson);
  return sorted.filter((value, i) => i === 0 || compareBson(sorted[i - 1], value) !== 0);
}

/** Of two bounds on one side, the one that admits less (any of them would be correct; this one reads less). */
function tighter(a: Bound, b: Bound, side: 'lower' | 'upper'): Bound {
  if (typeRank(a.value) !== typeRank(b.value)) return a;
  const c = compareBson(a.value, b.value);
  if (c === 0) return a.inclusive ? b : a;
  return (side === 'lower' ? c > 0 : c < 0) ? a : b;
}
