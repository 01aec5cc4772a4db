import { calculateObjectSize, type Document } from 'bson';
import * as mingoUpdateOperators from 'mingo/operators/update';
import { update as mingoUpdate } from 'mingo/updater';
import { isEqual } from 'mingo/util';
import { CommandError, ErrorCode } from '../errors.js';
import { runPipeline, translateErrors } from '../query/mingo.js';
import { cloneDoc, setPath, withIdFirst } from '../storage/documents.js';
import { isPlainObject } from '../storage/key-encoding.js';
import { MAX_BSON_OBJECT_SIZE } from '../wire/protocol.js';

const UPDATE_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$rename',
  '$min',
  '$max',
  '$currentDate',
  '$addToSet',
  '$pop',
  '$pull',
  '$pullAll',
  '$push',
  '$bit',
  '$setOnInsert',
]);

export interface ApplyOptions {
  arrayFilters?: Document[];
  /** The query, for the positional `$` operator. */
  filter?: Document;
  /** True when building an upserted document: `$setOnInsert` applies. */
  inserting?: boolean;
}

/** An update is an operator document, a replacement document, or a pipeline (array). */
export function isReplacement(spec: Document | Document[]): spec is Document {
  return !Array.isArray(spec) && !Object.keys(spec).some((k) => k.startsWith('$'));
}

/**
 * Apply an update to a stored document version without touching it. Returns
 * the same object when nothing changed (so `nModified` counts like mongod's).
 */
export function applyUpdate(before: Document, spec: Document | Document[], options: ApplyOptions = {}): Document {
  let after: Document;
  if (Array.isArray(spec)) after = runPipeline([before], spec)[0] ?? before;
  else if (isReplacement(spec)) after = withIdFirst({ _id: before._id as unknown, ...spec });
  else after = applyOperators(before, spec, options);
  if (after === before) return before;
  if (!isEqual(before._id, after._id) && before._id !== undefined) {
    throw new CommandError(ErrorCode.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  checkSize(after);
  return isEqual(before, after) ? before : after;
}

function applyOperators(before: Document, spec: Document, options: ApplyOptions): Document {
  const modifiers: Document = {};
  for (const [op, fields] of Object.entries<unknown>(spec)) {
    if (!UPDATE_OPERATORS.has(op)) {
      throw new CommandError(
        ErrorCode.FailedToParse,
        op.startsWith('$')
          ? `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`
          : `Cannot mix update operators and replacement fields: '${op}'`,
      );
    }
    if (op === '$setOnInsert' && !options.inserting) continue;
    // On insert, $setOnInsert is a $set; merge rather than overwrite, whichever comes first.
    const target = op === '$setOnInsert' ? '$set' : op;
    modifiers[target] = target === '$set' ? { ...(modifiers.$set as Document | undefined), ...(fields as Document) } : fields;
  }
  const doc = cloneDoc(before);
  const plain = !options.arrayFilters?.length && !Object.values(modifiers).some((fields) => Object.keys(fields as Document).some((path) => path.includes('$')));
  const changed = translateErrors(
    () => (plain ? applyPlainOperators(doc, modifiers) : mingoUpdate(doc, modifiers, options.arrayFilters, options.filter, { cloneMode: 'copy' }).length > 0),
    ErrorCode.BadValue,
  );
  return changed ? doc : before;
}

type Mutator = (doc: Document) => string[];
const OPERATOR_FNS = mingoUpdateOperators as unknown as Record<string, (expr: Document) => Mutator>;

/**
 * An update without positional paths or arrayFilters (nearly all of them),
 * applied with mingo's own operators on mingo's default options. mingo's
 * `update()` would first build a fresh operator context (copying every
 * query and expression operator) and compile the filter again, per
 * document: measured at ~10% of the engine's time under the analytics
 * catch-up. Paths across operators must not overlap, as in mongod (and
 * mingo's message, which `update()` would give). Mutates `doc`; true when
 * anything changed. The caller has matched `doc` against the filter.
 */
function applyPlainOperators(doc: Document, modifiers: Document): boolean {
  const paths = Object.values(modifiers).flatMap((fields) => Object.keys(fields as Document));
  if (modifiers.$rename) paths.push(...Object.values(modifiers.$rename as Document).map(String));
  for (let i = 1; i < paths.length; i++) {
    const path = paths[i]!;
    for (let j = 0; j < i; j++) {
      const other = paths[j]!;
      if (path === other || path.startsWith(`${other}.`) || other.startsWith(`${path}.`)) {
        throw new Error(`updating the path '${path}' would create a conflict at '${path}'`);
      }
    }
  }
  const mutators = Object.entries(modifiers).map(([op, fields]) => OPERATOR_FNS[op]!(fields as Document));
  let changed = false;
  for (const mutate of mutators) if (mutate(doc).length > 0) changed = true;
  return changed;
}

/** The document an upsert inserts: equality fields of the filter, then the update applied. */
export function buildUpsertDocument(filter: Document, spec: Document | Document[], options: ApplyOptions): Document {
  const seed = equalityFields(filter);
  let doc: Document;
  if (Array.isArray(spec)) doc = runPipeline([seed], spec)[0] ?? seed;
  else if (isReplacement(spec)) {
    const replacement = withIdFirst({ ...(seed._id !== undefined ? { _id: seed._id as unknown } : {}), ...spec });
    checkSize(replacement);
    return replacement;
  } else doc = applyOperators(seed, spec, { ...withoutFilter(options), inserting: true });
  const result = withIdFirst(doc === seed ? cloneDoc(seed) : doc);
  checkSize(result);
  return result;
}

/**
 * mingo only applies an update to a document matching its `condition`; the
 * seed of an upsert need not match (e.g. `{ qty: { $gt: 5 } }`), so no filter.
 */
function withoutFilter(options: ApplyOptions): ApplyOptions {
  return options.arrayFilters ? { arrayFilters: options.arrayFilters } : {};
}

function equalityFields(filter: Document, out: Document = {}): Document {
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) equalityFields(clause, out);
    } else if (!field.startsWith('$')) {
      const isOperator = isPlainObject(condition) && Object.keys(condition).some((k) => k.startsWith('$'));
      if (!isOperator) setPath(out, field, cloneDoc(condition));
      else if (isPlainObject(condition) && '$eq' in condition) setPath(out, field, cloneDoc(condition.$eq));
    }
  }
  return out;
}

export function checkSize(doc: Document): void {
  const size = calculateObjectSize(doc);
  if (size > MAX_BSON_OBJECT_SIZE) {
    throw new CommandError(ErrorCode.BSONObjectTooLarge, `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_OBJECT_SIZE}`);
  }
}
