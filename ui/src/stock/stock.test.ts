import { describe, expect, it } from 'vitest';
import type { LowStock } from '../lib/bindings';
import { bySupplier, varianceText } from './stock';

function row(sku: string, supplier: string | null, suggested_qty: number): LowStock {
  return {
    sku,
    name: sku,
    on_hand: 0,
    reorder_point: 1,
    suggested_qty,
    supplier,
    lead_days: 7,
    daily_velocity: '0',
    sold_28d: 0,
    on_order: 0,
    reorder_qty: null,
    cost: null,
  };
}

describe('bySupplier', () => {
  it('groups rows by supplier, in order, ignoring case, and counts what to order', () => {
    const groups = bySupplier([row('A', 'Roast', 3), row('B', 'roast', 0), row('C', 'Potter', 1), row('D', null, 2)]);
    expect(groups.map((g) => [g.supplier, g.rows.map((r) => r.sku), g.toOrder])).toEqual([
      ['Roast', ['A', 'B'], 1],
      ['Potter', ['C'], 1],
      [null, ['D'], 1],
    ]);
  });

  it('gives no groups for no rows', () => {
    expect(bySupplier([])).toEqual([]);
  });
});

describe('varianceText', () => {
  it('signs the variance', () => {
    expect(varianceText(2)).toBe('+2');
    expect(varianceText(-3)).toBe('−3');
    expect(varianceText(0)).toBe('0');
    expect(varianceText(null)).toBe('');
  });
});
