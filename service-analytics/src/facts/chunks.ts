/** Split into chunks of at most `size` (e.g. to keep `$in` lists at a size every engine looks up by index). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
