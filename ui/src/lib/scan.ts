// The scan box's helpers for its suggestion list. What the box adds is
// read by the core (the item grammar, README "Items": "SKU", a barcode,
// "3*SKU" or "SKUx3"); these only split off a leading "3*" so the list
// searches for the rest and a picked suggestion keeps the quantity.

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
