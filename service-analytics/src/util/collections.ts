/** `$in` lists stay at or under this size: mongod handles more, embedded-mongo stops using its index above 1,000. */
export const IN_LIST_MAX = 1_000;

/** Split into chunks of at most `size` (e.g. to keep `$in` lists at a size every engine looks up by index). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Rows grouped by key, each group in the rows' order. @example groupBy(['ab', 'ac', 'b'], (s) => s[0]!) // Map { a: ['ab', 'ac'], b: ['b'] } */
export function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = out.get(key);
    if (list) list.push(row);
    else out.set(key, [row]);
  }
  return out;
}
