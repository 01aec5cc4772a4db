/** A daily-fact row that some change may have altered: recompute it. */
export interface FactKey {
  tenantId: string;
  sku: string;
  locationCode: string;
  day: string;
}

/** Features of a SKU must be recomputed from this day on (lags and rolling windows reach forward). */
export interface FeatureTouch {
  tenantId: string;
  sku: string;
  fromDay: string;
}
