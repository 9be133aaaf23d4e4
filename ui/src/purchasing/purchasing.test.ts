import { describe, expect, it } from 'vitest';
import type { PurchaseOrder } from '../lib/bindings';
import { canCancel, canReceive, poStatusLabel, receiveRows, PO_STATUSES } from './purchasing';

const po = (over: Partial<PurchaseOrder> = {}): PurchaseOrder => ({
  id: 1,
  number: 'PO-0001',
  supplier: 'Bean Co',
  status: 'sent',
  note: null,
  created_by: 'owner',
  created_at: '2026-12-01T09:00:00Z',
  updated_at: '2026-12-01T09:00:00Z',
  total: '38.00',
  lines: [
    { sku: 'COF', name: 'Coffee', supplier_sku: null, qty: 10, unit_cost: '2.60', received: 4, outstanding: 6, line_total: '26.00' },
    { sku: 'MUG', name: 'Mug', supplier_sku: 'M-1', qty: 4, unit_cost: '3.00', received: 5, outstanding: 0, line_total: '12.00' },
  ],
  ...over,
});

describe('purchasing', () => {
  it('words every status', () => {
    expect(PO_STATUSES.map(poStatusLabel)).toEqual(['Draft', 'Sent', 'Partly received', 'Received', 'Cancelled']);
  });

  it('receives and cancels only while something may still come', () => {
    expect(PO_STATUSES.filter(canReceive)).toEqual(['draft', 'sent', 'partly_received']);
    expect(PO_STATUSES.filter(canCancel)).toEqual(['draft', 'sent', 'partly_received']);
  });

  it('starts the receive form at what is outstanding', () => {
    expect(receiveRows(po())).toEqual([
      { sku: 'COF', qty: '6' },
      { sku: 'MUG', qty: '0' },
    ]);
  });
});
