/**
 * A duration for people: `4.2 s`, `3 min 07 s`, `1 h 02 min`.
 *
 * @example formatDuration(187) // '3 min 07 s'
 */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`;
}

/** `part` of `whole` as a percentage with one decimal, `0.0%` when the whole is empty. */
export function percentOf(part: number, whole: number): string {
  return `${(whole === 0 ? 0 : (100 * part) / whole).toFixed(1)}%`;
}
