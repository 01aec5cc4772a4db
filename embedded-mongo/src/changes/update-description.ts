import type { Document } from 'bson';
import type { UpdateDescription } from './change-types.js';
import { isPlainDocument, valuesEqual } from './values-equal.js';

/**
 * The `updateDescription` of an update event, derived from the document
 * before and after, shaped like mongod's (which derives it from the oplog's
 * document diff):
 *   - a changed field inside sub-documents is reported by its dotted path
 *     (`{ 'address.city': 'Oslo' }`), not as the whole sub-document;
 *   - an array that only grew at the end (`$push`, `$addToSet`) reports each
 *     new element by index (`{ 'tags.2': 'x' }`);
 *   - an array with exactly one element changed in place (`$set: { 'items.1.qty': 3 }`,
 *     positional `$`) reports that element, recursively;
 *   - any other array change (`$pull`, `$pop`, a new array) replaces the whole array,
 *     so `truncatedArrays` stays empty;
 *   - removed fields are listed by dotted path; `_id` is never reported.
 *
 * @example
 *   describeUpdate({ _id: 1, a: { b: 1, c: 1 }, t: [1] }, { _id: 1, a: { b: 2 }, t: [1, 2] });
 *   // { updatedFields: { 'a.b': 2, 't.1': 2 }, removedFields: ['a.c'], truncatedArrays: [] }
 */
export function describeUpdate(before: Document, after: Document): UpdateDescription {
  const description: UpdateDescription = { updatedFields: {}, removedFields: [], truncatedArrays: [] };
  diffDocuments(before, after, '', description);
  return description;
}

function diffDocuments(before: Document, after: Document, prefix: string, out: UpdateDescription): void {
  const topLevel = prefix === '';
  for (const [key, value] of Object.entries<unknown>(after)) {
    if (topLevel && key === '_id') continue;
    if (Object.hasOwn(before, key)) diffValues(before[key], value, prefix + key, out);
    else out.updatedFields[prefix + key] = value;
  }
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key) && !(topLevel && key === '_id')) out.removedFields.push(prefix + key);
  }
}

function diffValues(before: unknown, after: unknown, path: string, out: UpdateDescription): void {
  if (valuesEqual(before, after)) return;
  if (isPlainDocument(before) && isPlainDocument(after)) diffDocuments(before, after, `${path}.`, out);
  else if (Array.isArray(before) && Array.isArray(after)) diffArrays(before, after, path, out);
  else out.updatedFields[path] = after;
}

function diffArrays(before: unknown[], after: unknown[], path: string, out: UpdateDescription): void {
  if (after.length > before.length && before.every((value, i) => valuesEqual(value, after[i]))) {
    for (let i = before.length; i < after.length; i += 1) out.updatedFields[`${path}.${i}`] = after[i];
    return;
  }
  if (after.length === before.length) {
    const changed = after.flatMap((value, i) => (valuesEqual(before[i], value) ? [] : [i]));
    const [only] = changed;
    if (changed.length === 1 && only !== undefined) {
      diffValues(before[only], after[only], `${path}.${only}`, out);
      return;
    }
  }
  out.updatedFields[path] = after;
}
