/**
 * Dates for periods after the last one, when the known dates are evenly
 * spaced: every gap the same number of days (daily, weekly…), or every gap one
 * or several calendar months on the same day of the month (monthly,
 * quarterly). Otherwise undefined — the forecast is then shown without dates
 * rather than with guessed ones.
 *
 * @example nextDates(['2026-01-31', '2026-02-28', '2026-03-31'], 1) // undefined (month ends are not the same day)
 * @example nextDates(['2026-01-01', '2026-04-01'], 2)              // ['2026-07-01', '2026-10-01']
 */
export function nextDates(dates: readonly string[], count: number): string[] | undefined {
  if (dates.length < 2) return undefined;
  const days = dates.map((d) => Date.parse(`${d}T00:00:00Z`) / 86_400_000);
  const dayGaps = days.slice(1).map((d, i) => d - days[i]!);
  const last = dates.at(-1)!;
  if (dayGaps.every((g) => g === dayGaps[0])) {
    return Array.from({ length: count }, (_, k) => addDays(last, dayGaps[0]! * (k + 1)));
  }
  const months = dates.map((d) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1);
  const monthGaps = months.slice(1).map((m, i) => m - months[i]!);
  const sameDay = dates.every((d) => d.slice(8) === last.slice(8));
  if (sameDay && Number(last.slice(8)) <= 28 && monthGaps.every((g) => g === monthGaps[0])) {
    return Array.from({ length: count }, (_, k) => addMonths(last, monthGaps[0]! * (k + 1)));
  }
  return undefined;
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function addMonths(day: string, n: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + n);
  return date.toISOString().slice(0, 10);
}
