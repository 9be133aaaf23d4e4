// TypeScript mirrors of the Rust structs the commands return
// (crates/till-core/src/*.rs). Field names stay snake_case because that is
// what serde sends.
//
// `Money` is a decimal string such as "57.50", already rounded to the store
// currency by the core. It is displayed as given and never turned into a JS
// number for arithmetic (see money.ts for the few sums the UI must do).

export type Money = string;

/** A decimal that is not money, e.g. a tax rate in percent ("20", "5.5"). */
export type Decimal = string;

/** Errors from every command: a stable code and a message for the cashier. */
export interface UiError {
  code: string;
  message: string;
}

// settings.rs, money.rs, tax.rs

export type TaxMode = 'exclusive' | 'inclusive';

export interface Currency {
  code: string;
  minor_units: number;
}

export interface Settings {
  store_name: string;
  store_id: string;
  device_id: string;
  device_prefix: string;
  currency: Currency;
  tax_mode: TaxMode;
  default_tax_rate: Decimal | null;
  allow_negative_stock: boolean;
}

// totals.rs

/** serde: `#[serde(tag = "kind", content = "value", rename_all = "lowercase")]` */
export type Discount = { kind: 'percent'; value: Decimal } | { kind: 'amount'; value: Money };

export interface TaxLine {
  /** Percent. */
  rate: Decimal;
  /** The amount the tax is levied on, excluding tax. */
  base: Money;
  tax: Money;
}

// cart.rs

export interface CartLine {
  id: number;
  sku: string;
  name: string;
  qty: number;
  unit_price: Money;
  price_note: string | null;
  discount: Discount | null;
  tax_rate: Decimal;
  /** unit_price x qty. */
  total: Money;
  /** Line discount plus its share of the order discount. */
  discount_amount: Money;
  on_hand: number;
}

export interface Cart {
  id: string;
  /** "open", "completed" or "voided". */
  status: string;
  lines: CartLine[];
  order_discount: Discount | null;
  subtotal: Money;
  discount: Money;
  tax: Money;
  taxes: TaxLine[];
  total: Money;
  tax_mode: TaxMode;
  currency: string;
  order_id: string | null;
}

// checkout.rs

export type TenderMethod = 'cash' | 'card';

/** What `cart_complete` takes (commands.rs `TenderInput`). */
export interface TenderInput {
  method: TenderMethod;
  amount: Money;
  reference?: string | null;
}

// orders.rs

export interface ReceiptLine {
  line_no: number;
  sku: string;
  name: string;
  qty: number;
  unit_price: Money;
  price_note: string | null;
  /** unit_price x qty; the lines' totals add up to the subtotal. */
  total: Money;
  /** Line discount plus its share of the order discount. */
  discount: Money;
  tax_rate: Decimal;
  tax: Money;
  /** What the customer paid for this line, after discounts, with tax. */
  charged: Money;
  refunded_qty: number;
}

export interface Payment {
  method: TenderMethod;
  amount: Money;
  reference: string | null;
}

export interface RefundLine {
  line_no: number;
  sku: string;
  qty: number;
  amount: Money;
  tax: Money;
}

export interface Refund {
  id: string;
  order_id: string;
  /** The order's receipt number. */
  number: string;
  lines: RefundLine[];
  amount: Money;
  tax: Money;
  method: TenderMethod;
  created_at: string;
}

export type OrderStatus = 'completed' | 'partially_refunded' | 'refunded';

export interface Receipt {
  id: string;
  number: string;
  status: OrderStatus;
  /** RFC 3339, UTC. */
  created_at: string;
  cashier: string;
  customer_id: string | null;
  currency: string;
  tax_mode: TaxMode;
  lines: ReceiptLine[];
  subtotal: Money;
  discount: Money;
  tax: Money;
  taxes: TaxLine[];
  total: Money;
  payments: Payment[];
  paid: Money;
  change: Money;
  refunds: Refund[];
}

export interface OrderSummary {
  id: string;
  number: string;
  status: OrderStatus;
  created_at: string;
  items: number;
  total: Money;
  refunded: Money;
}

// catalog.rs, inventory.rs

export interface Product {
  id: number;
  sku: string;
  name: string;
  barcode: string | null;
  price: Money;
  cost: Money | null;
  /** Percent. */
  tax_rate: Decimal;
  category: string | null;
  active: boolean;
  on_hand: number;
}

/**
 * What `product_add` / `product_update` take (commands.rs `ProductInput`).
 * Every value is text as typed; the core parses and validates it. Blank
 * optional fields mean "none" (on update: cleared; a blank tax rate keeps it).
 */
export interface ProductInput {
  sku: string;
  name: string;
  price: string;
  cost?: string | null;
  barcode?: string | null;
  tax_rate?: string | null;
  category?: string | null;
  /** Opening stock, whole number; only read by `product_add`. */
  stock?: string | null;
  /** Only read by `product_update`. */
  active?: boolean | null;
}

export interface StockLevel {
  sku: string;
  on_hand: number;
}

export type StockReason = 'restock' | 'count' | 'damage' | 'correction';
