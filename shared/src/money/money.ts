/**
 * Round an amount to cents. Prices, line totals and order totals are kept in
 * cents precision so totals computed in different places agree.
 *
 * @example roundMoney(19.99 * 0.75) // 14.99
 */
export function roundMoney(amount: number): number {
  return Math.round(amount * 100) / 100;
}
