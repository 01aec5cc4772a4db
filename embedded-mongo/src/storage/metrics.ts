/**
 * Work counters reported by `serverStatus` as mongod's
 * `metrics.queryExecutor.scanned` (index keys examined) and `scannedObjects`
 * (documents examined). Tests assert on them to prove a query used an index
 * walk instead of a scan — never on time.
 */
export interface QueryMetrics {
  keysExamined: number;
  docsExamined: number;
}

export function createQueryMetrics(): QueryMetrics {
  return { keysExamined: 0, docsExamined: 0 };
}
