// Pure helpers of the Stock screen: low-stock rows by supplier, and how a
// count's variance reads.

import type { LowStock } from '../lib/bindings';

/** Low-stock rows of one supplier (null: products without one). */
export interface SupplierGroup {
  supplier: string | null;
  rows: LowStock[];
  /** Rows with a suggested quantity above 0: what "Create PO" would order. */
  toOrder: number;
}

/** Groups rows by supplier in the order the core sent them (by supplier, those without one last). */
export function bySupplier(rows: LowStock[]): SupplierGroup[] {
  const groups: SupplierGroup[] = [];
  for (const row of rows) {
    const key = row.supplier?.toLowerCase() ?? null;
    let group = groups.find((g) => (g.supplier?.toLowerCase() ?? null) === key);
    if (!group) {
      group = { supplier: row.supplier, rows: [], toOrder: 0 };
      groups.push(group);
    }
    group.rows.push(row);
    if (row.suggested_qty > 0) group.toOrder += 1;
  }
  return groups;
}

/** A variance as a signed number ("+2", "−3", "0"); "" when not counted. */
export function varianceText(variance: number | null): string {
  if (variance === null) return '';
  if (variance > 0) return `+${variance}`;
  if (variance < 0) return `−${-variance}`;
  return '0';
}
