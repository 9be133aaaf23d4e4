// Pure helpers of the Purchasing screen: words for a PO's status, which
// actions its status allows (the core decides; these only leave out
// buttons it would refuse), and the receive form's rows.
import type { PoReceiveForm, PoStatus, PurchaseOrder } from '../lib/bindings';

export const PO_STATUSES: PoStatus[] = ['draft', 'sent', 'partly_received', 'received', 'cancelled'];

export function poStatusLabel(status: PoStatus): string {
  switch (status) {
    case 'draft':
      return 'Draft';
    case 'sent':
      return 'Sent';
    case 'partly_received':
      return 'Partly received';
    case 'received':
      return 'Received';
    case 'cancelled':
      return 'Cancelled';
  }
}

/** Whether a PO in this status may take a delivery (draft, sent, partly received). */
export function canReceive(status: PoStatus): boolean {
  return status === 'draft' || status === 'sent' || status === 'partly_received';
}

/** Whether a PO in this status may be cancelled (a partly received one is closed). */
export function canCancel(status: PoStatus): boolean {
  return canReceive(status);
}

/** The receive form's rows: each line's outstanding units to start with. */
export function receiveRows(po: PurchaseOrder): PoReceiveForm[] {
  return po.lines.map((l) => ({ sku: l.sku, qty: String(l.outstanding) }));
}
