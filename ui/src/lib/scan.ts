// What the scan box understands: a SKU or barcode, optionally with a
// quantity written as "3*SKU" or "SKUx3".

export interface ScanEntry {
  code: string;
  qty: number;
}

// Up to 4 digits: a longer "quantity" is far more likely a mistyped barcode.
const QTY_FIRST = /^(\d{1,4})\s*\*\s*(\S+)$/;
const QTY_LAST = /^(\S+?)\s*[xX]\s*(\d{1,4})$/;

/**
 * The ways to read `text`, most likely first; the caller tries the next
 * reading only if the product of the previous one is unknown. A code can
 * itself end in "x" and digits ("BOX3"), so for "SKUx3" the literal code
 * comes first: an existing SKU is never silently swapped for a different
 * product in a larger quantity. "3*SKU" is unambiguous enough to take as is.
 */
export function readings(text: string): ScanEntry[] {
  const t = text.trim();
  if (t === '') return [];
  const first = QTY_FIRST.exec(t);
  if (first) return [{ code: first[2], qty: Number(first[1]) }];
  const last = QTY_LAST.exec(t);
  if (last) return [{ code: t, qty: 1 }, { code: last[1], qty: Number(last[2]) }];
  return [{ code: t, qty: 1 }];
}

/** The part of the text to search the catalog with ("3*cof" -> "cof"). */
export function searchTerm(text: string): string {
  const t = text.trim();
  const first = /^\d{1,4}\s*\*\s*(.*)$/.exec(t);
  return first ? first[1].trim() : t;
}

/** The quantity written in front ("3*cof" -> 3), else 1. */
export function leadingQty(text: string): number {
  const first = /^(\d{1,4})\s*\*/.exec(text.trim());
  return first ? Number(first[1]) : 1;
}
