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
  /** IANA time zone of the shop: weekly flash sales and sell-by days follow it, and times show in it. */
  time_zone: string;
  /** BCP 47 tag ("de-DE"): how dates, times and amounts with their currency read. */
  locale: string;
  /** Guardrail: dynamic prices never go below cost (unless a product has a floor). */
  floor_at_cost: boolean;
  /** Guardrail: highest dynamic price as a multiple of the base price; null: none. */
  price_ceiling: Decimal | null;
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
  /** The part of `discount_amount` that comes from bundles. */
  bundle_discount: Money;
  /** Sold as its components (see `Kit`). */
  kit: boolean;
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
  /** Bundles the cart gets now; recomputed on every change. */
  bundles: AppliedBundle[];
  /** The customer the sale is for; null: an anonymous sale. */
  customer: Customer | null;
  /** The referral code the cashier was given (already checked by the core). */
  referral_code: string | null;
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
  /** Bundles the sale got; their discount is also in the lines' `discount`. */
  bundles: AppliedBundle[];
  /** The referral code given at the till, if any. */
  referral_code: string | null;
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
  /** "YYYY-MM-DD" (store time zone), for sell-by markdown rules. */
  sell_by: string | null;
  /** Lowest price dynamic pricing may set; null: its cost (store setting). */
  price_floor: Money | null;
  /** Highest price as a multiple of the base price ("1.5"); null: the store's. */
  price_ceiling: Decimal | null;
  /** Sold as its components: `on_hand` is how many whole kits they make. */
  kit: boolean;
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
  /** "YYYY-MM-DD"; blank or null: none (on update: cleared). */
  sell_by?: string | null;
  /** Money; blank or null: none (on update: cleared). */
  price_floor?: string | null;
  /** Multiple of the base price; blank or null: none (on update: cleared). */
  price_ceiling?: string | null;
}

export interface StockLevel {
  sku: string;
  on_hand: number;
}

export type StockReason = 'restock' | 'count' | 'damage' | 'correction';

// pricing/mod.rs

/** One step of the pricing pipeline that changed a price. */
export interface Adjustment {
  /** "stock_rule", "sell_by_rule", "flash_sale" or "guardrail". */
  source: string;
  description: string;
  /** Signed change to the unit price ("-12.50"); they add up to price - base_price. */
  effect: Money;
}

/** The flash sale that set a price, for badges and countdowns. */
export interface SaleBadge {
  id: number;
  name: string;
  /** End of the current window, RFC 3339. */
  ends_at: string;
}

/** A product's price right now, and why (`quotes_list`). */
export interface Quote {
  sku: string;
  name: string;
  base_price: Money;
  price: Money;
  on_hand: number;
  adjustments: Adjustment[];
  /** Short reason, as cart lines show it. */
  note: string | null;
  sale: SaleBadge | null;
}

// pricing/rules.rs

export type RuleConditionKind = 'stock_below' | 'stock_above' | 'within_days_of_sell_by';
export type RuleEffectKind = 'multiplier' | 'amount';
export type RuleScopeKind = 'all' | 'category' | 'sku';

/** serde: `#[serde(tag = "kind", content = "threshold")]` */
export interface RuleCondition {
  kind: RuleConditionKind;
  threshold: number;
}

/** serde: `#[serde(tag = "kind", content = "value")]`; amount is signed (negative: off). */
export interface RuleEffect {
  kind: RuleEffectKind;
  value: Decimal;
}

export type RuleScope = { kind: 'all' } | { kind: 'category' | 'sku'; value: string };

export interface Rule {
  id: number;
  /** Listing order; ties between equally specific rules go to the lower one. */
  position: number;
  condition: RuleCondition;
  effect: RuleEffect;
  scope: RuleScope;
  /** Units past the threshold stock must move before the rule lets go; 0: none. */
  hysteresis: number;
}

/** A stored value Till cannot read (stored.rs `Damage`): where it is and what is wrong. */
export interface Damage {
  table: string;
  /** The row's key; null when unknown. */
  row: string | null;
  column: string;
  value: string;
  problem: string;
}

/** The rules, and those that cannot be read (left out of pricing). */
export interface RuleList {
  rules: Rule[];
  damaged: Damage[];
}

/** What `pricing_rule_add` takes (commands.rs `RuleForm`): text as typed. */
export interface RuleInput {
  condition: RuleConditionKind;
  threshold: string;
  effect: RuleEffectKind;
  value: string;
  scope: RuleScopeKind;
  scope_value?: string | null;
  hysteresis?: string | null;
}

// pricing/flash.rs

export type FlashEffectKind = 'multiplier' | 'price';

/** serde: `#[serde(tag = "kind", content = "value")]` */
export interface FlashEffect {
  kind: FlashEffectKind;
  value: Decimal;
}

export type FlashStatus = 'upcoming' | 'active' | 'past' | 'cancelled';

export interface FlashSaleView {
  id: number;
  name: string;
  skus: string[];
  categories: string[];
  effect: FlashEffect;
  /** First window, RFC 3339; start inclusive, end exclusive. */
  starts_at: string;
  ends_at: string;
  /** Repeats the first window every week, in the store's time zone. */
  weekly: boolean;
  time_zone: string;
  cancelled_at: string | null;
  status: FlashStatus;
  /** The current window when active, else the next one; null when none is left. */
  window_start: string | null;
  window_end: string | null;
}

/** The flash sales, and those that cannot be read (left out of pricing). */
export interface FlashSaleList {
  sales: FlashSaleView[];
  damaged: Damage[];
}

/** What `flash_create` / `flash_update` take (commands.rs `FlashForm`). */
export interface FlashSaleInput {
  name: string;
  skus: string[];
  categories: string[];
  effect: FlashEffectKind;
  value: string;
  /** RFC 3339. */
  starts_at: string;
  ends_at: string;
  weekly: boolean;
}

// bundles/ (bundles, suggestions, companions), kits.rs

/** serde: `#[serde(tag = "kind", content = "value", rename_all = "snake_case")]` */
export type BundleOffer = { kind: 'percent_off'; value: Decimal } | { kind: 'price'; value: Money };

export interface BundleItem {
  sku: string;
  name: string;
  /** Units per set. */
  qty: number;
  /** The product's base price. */
  unit_price: Money;
}

export interface Bundle {
  id: number;
  name: string;
  items: BundleItem[];
  offer: BundleOffer;
  /** RFC 3339; null: no start. */
  valid_from: string | null;
  /** RFC 3339; null: no end. */
  valid_until: string | null;
  active: boolean;
  /** Made by hand, or approved from a suggestion. */
  source: 'manual' | 'suggestion';
  /** One set at the items' base prices. */
  regular_price: Money;
  /** One set with the bundle, at base prices. */
  bundle_price: Money;
  /** Active and inside its window now. */
  live: boolean;
  created_at: string;
}

/** The bundles, and those that cannot be read (left out of checkout). */
export interface BundleList {
  bundles: Bundle[];
  damaged: Damage[];
}

/** One item of a bundle or kit form: a SKU or barcode and units per set. */
export interface BundleItemInput {
  code: string;
  /** Whole number, 1 or more. */
  qty: number;
}

/**
 * What `bundle_create` / `bundle_update` take (bundles.rs `BundleForm`).
 * Give `percent_off` or `price`; neither: 10% off.
 */
export interface BundleInput {
  name: string;
  items: BundleItemInput[];
  percent_off?: string | null;
  price?: string | null;
  /** RFC 3339; blank or null: none. */
  valid_from?: string | null;
  valid_until?: string | null;
}

/** A bundle the cart (or the sale) got. */
export interface AppliedBundle {
  bundle_id: number;
  name: string;
  /** How many sets. */
  times: number;
  /** The whole discount of those sets. */
  discount: Money;
}

export interface SuggestedItem {
  sku: string;
  name: string;
  price: Money;
}

/** A bundle the baskets suggest. Support, confidence and lift are statistics, not money. */
export interface Suggestion {
  /** The SKUs joined by "+": what approve and dismiss take. */
  key: string;
  items: SuggestedItem[];
  /** Baskets holding all the items. */
  support_count: number;
  support: number;
  confidence: number;
  lift: number;
  regular_price: Money;
  /** With the default 10% off. */
  suggested_price: Money;
}

/** A product often bought with the cart's last item. */
export interface Companion {
  sku: string;
  name: string;
  /** Its price now. */
  price: Money;
  /** Orders that held both. */
  together: number;
  confidence: number;
}

export interface KitComponent {
  sku: string;
  name: string;
  /** Units per kit. */
  qty: number;
  on_hand: number;
}

export interface Kit {
  sku: string;
  name: string;
  price: Money;
  /** Whole kits the components' stock makes. */
  available: number;
  components: KitComponent[];
}

/** What `bundles_mine` takes (bundles.rs `MineForm`): thresholds as typed. */
export interface MineInput {
  /** Mine a basket file the user chooses in the native file dialog; else this shop's orders. */
  from_file: boolean;
  /** 'fimi' or 'csv'; blank or null: by the file's extension. */
  format?: string | null;
  /** A fraction of the baskets, e.g. "0.01". */
  min_support: string;
  min_confidence: string;
  /** Most items per itemset; blank or null: no limit. */
  max_len?: string | null;
}

/** An association rule: baskets with the antecedent often hold the consequent. */
export interface MineRule {
  antecedent: string[];
  consequent: string[];
  support_count: number;
  confidence: number;
  lift: number;
}

export interface MineOutcome {
  /** The file's path, or "this shop's orders". */
  source: string;
  transactions: number;
  itemsets: number;
  rules: number;
  /** The strongest rules by lift (at most 50). */
  top_rules: MineRule[];
  /** Bundle suggestions, when the items are this shop's SKUs. */
  suggestions: Suggestion[];
  seconds: number;
}

/** The `mining-progress` event's payload. */
export interface MiningProgress {
  /** "reading baskets", "finding itemsets", "building rules" or "done". */
  stage: string;
  /** Of the whole run, 0 to 1. */
  fraction: number;
}

// outbox.rs (syncing to the upstream)

/** What `sync_status` (and `sync_login`, `sync_now`) return. */
export interface SyncStatus {
  /** The upstream URL; null: syncing is not set up. */
  endpoint: string | null;
  /** Events waiting to be sent. */
  pending: number;
  /** Events the upstream rejected: they wait for Retry or Discard. */
  dead: number;
  /** RFC 3339. */
  last_success: string | null;
  /** Why the last attempt failed, in words; null after a success. */
  last_error: string | null;
  /** RFC 3339. */
  last_attempt: string | null;
  /** True while the last attempt reached the upstream. */
  connected: boolean;
  /** The upstream refused the token: syncing waits for a new login (or "Sync now"). */
  auth_failed: boolean;
}

/** An event the upstream rejected (`sync_dead_letters`). */
export interface DeadLetter {
  id: string;
  seq: number;
  /** The event type, e.g. "order.completed". */
  type: string;
  /** RFC 3339. */
  occurred_at: string;
  reason: string;
  /** RFC 3339. */
  dead_at: string;
  payload: unknown;
}

// customers.rs, referrals.rs

export type CustomerKind = 'customer' | 'affiliate';

/** Which people `customers_search` looks at (default: customers). */
export type CustomerKindFilter = CustomerKind | 'all';

/**
 * What `customer_add`, `affiliate_add` and `customer_update` take
 * (referrals.rs `PersonForm`): text as typed, blank optional fields mean none.
 */
export interface PersonForm {
  name: string;
  email?: string | null;
  phone?: string | null;
  notes?: string | null;
  /** For a new customer: the code they came with (ignored for affiliates). */
  referral_code?: string | null;
}

/** A customer, or an affiliate (someone who refers customers but is not one). */
export interface Customer {
  id: string;
  kind: CustomerKind;
  name: string;
  email: string | null;
  phone: string | null;
  notes: string | null;
  active: boolean;
  /** The referrer this customer belongs to (first touch). */
  referred_by: string | null;
  /** The code they were referred with. */
  referral_code: string | null;
  /** Start of the attribution window: their first referred order. RFC 3339. */
  window_starts_at: string | null;
  created_at: string;
}

export interface ReferralCode {
  /** "REF" and 10 characters. */
  code: string;
  referrer_id: string;
  active: boolean;
  /** RFC 3339; null: never expires. */
  expires_at: string | null;
  /** Why it was withdrawn, when it was. */
  retired: string | null;
  created_at: string;
}

export type CommissionKind = 'accrual' | 'reversal';
export type CommissionStatus = 'pending' | 'approved' | 'paid' | 'reversed';

/** One entry of the commission ledger. Reversals have negative amounts. */
export interface Commission {
  id: string;
  kind: CommissionKind;
  referrer_id: string;
  order_id: string;
  /** For a reversal: the refund that caused it. */
  refund_id: string | null;
  /** For a reversal: the accrual it reverses. */
  reverses: string | null;
  customer_id: string | null;
  code: string | null;
  /** The order's net total the commission was worked out on. */
  basis: Money;
  /** "10%" or a fixed amount, as the program said at the time. */
  rate: string;
  amount: Money;
  status: CommissionStatus;
  payout_id: string | null;
  created_at: string;
  approved_at: string | null;
  paid_at: string | null;
  /** The order's receipt number. */
  order_number: string | null;
}

export interface Payout {
  id: string;
  referrer_id: string;
  amount: Money;
  method: string;
  reference: string | null;
  paid_at: string;
  /** The ledger entries it settled. */
  entries: string[];
}

/** A referrer's standing (`referrers_list`). */
export interface ReferrerSummary {
  id: string;
  kind: CustomerKind;
  name: string;
  email: string | null;
  active: boolean;
  /** Active codes. */
  codes: string[];
  /** Referred customers. */
  customers: number;
  /** Orders that earned. */
  orders: number;
  pending: Money;
  approved: Money;
  /** Reversals not yet netted by a payout (negative). */
  reversed: Money;
  paid: Money;
  /** Net commission not paid out yet; negative after a paid commission was refunded. */
  balance: Money;
}

/** A referrer with its codes, ledger and payouts (`referrer_get`). */
export interface ReferrerDetail extends ReferrerSummary {
  code_list: ReferralCode[];
  entries: Commission[];
  payouts: Payout[];
}

/** The referral program's terms: a percent of the net order, or a fixed amount per order. */
export interface Program {
  percent: Decimal | null;
  amount: Money | null;
  /** Days a referred customer's orders earn, from their first referred order. */
  window_days: number;
  /** Days after a sale before its commission is approved. */
  return_days: number;
}

/** What `program_set` takes: text as typed; give percent OR amount; blank keeps a term. */
export interface ProgramInput {
  percent?: string | null;
  amount?: string | null;
  window_days?: string | null;
  return_days?: string | null;
}

// plans/ (tiers, license, usage), memberships.rs, orders.rs (reports)

/**
 * A limit of a plan tier: a number, or none at all. Limits and usage are
 * counts and sizes (JSON numbers), not money.
 */
export type Limit = number | 'unlimited';

/** A tier of Till's plans document (`plan_get`, `plan_load_file`, which loads only signed ones). */
export interface Tier {
  id: string;
  name: string;
  /** Till's price for the tier, per month. */
  price_monthly: Money;
  /** Feature keys, e.g. "memberships", "advanced_reporting". */
  features: string[];
  limits: Record<string, Limit>;
  /** The document may give a tier keys of its own; they are kept as they are. */
  [extra: string]: unknown;
}

export interface TiersDoc {
  tiers: Tier[];
}

export interface LicenseUnlock {
  feature: string;
  billing: 'one_time' | 'monthly';
  /** RFC 3339; null: no end. */
  expires_at: string | null;
}

/** What a signed license says (verified by the core, offline). */
export interface LicensePayload {
  license_id: string;
  issued_to: string;
  /** The store it was issued for; null: any store. */
  store_id: string | null;
  tier: string;
  unlocks: LicenseUnlock[];
  issued_at: string;
  expires_at: string | null;
  grace_days: number;
}

/** none: no license (the free tier); grace: expired but still honoured; expired: back to free. */
export type LicenseState = 'none' | 'valid' | 'grace' | 'expired';

export interface LicenseStatus {
  state: LicenseState;
  license: LicensePayload | null;
  /** RFC 3339. */
  expires_at: string | null;
  /** RFC 3339: end of the grace period, when the license expires. */
  grace_until: string | null;
  /** The id of the tier in force because of it. */
  tier: string;
  /** Features unlocked one by one and in force now. */
  unlocked: string[];
}

/** The plan in force (`plan_get`). */
export interface PlanView {
  tier: Tier;
  /** Every feature available now: the tier's and the unlocked ones. */
  features: string[];
  license: LicenseStatus;
  /** Every tier of the document, for comparison. */
  tiers: Tier[];
  /**
   * Where the tiers come from: Till's built-in ones, a document signed by
   * the vendor, or the built-in ones because the stored document is
   * unsigned (kept from before tiers documents had to be signed).
   */
  tiers_source: 'builtin' | 'signed' | 'unsigned_ignored';
  /** Something the owner should know about the plan; null: nothing. */
  notice: string | null;
  /** Day of the month billing periods start on; null: calendar months. */
  billing_day: number | null;
  /** What the owner reads for each feature key ("api_access" -> "API access"). */
  feature_names: Record<string, string>;
  /** What the owner reads for each limit key ("api_calls" -> "API calls"). */
  limit_names: Record<string, string>;
}

export interface UsagePeriod {
  /** RFC 3339; from inclusive, to exclusive. */
  from: string;
  to: string;
  /** "2026-11", or "2026-11-15..2026-12-15" on a billing day. */
  label: string;
}

export interface MetricUsage {
  /** What the owner reads for the metric's key ("API calls"). */
  name: string;
  used: number;
  limit: Limit;
}

/** Usage per metric in a billing period, against the tier's limits (`usage_report`). */
export interface UsageReport {
  period: UsagePeriod;
  /** The tier's id. */
  tier: string;
  /** Counts (products, bundles, registers, devices) are as they are now, not per period. */
  metrics: Record<string, MetricUsage>;
}

export interface UsageRecord {
  id: string;
  metric: string;
  quantity: number;
  occurred_at: string;
}

/** A membership the shop offers its customers ("Coffee club": 10% off). */
export interface MembershipTier {
  id: string;
  name: string;
  fee_monthly: Money;
  /** Percent off for members, e.g. "10". */
  discount_percent: Decimal;
}

export interface Membership {
  customer_id: string;
  tier_id: string;
  tier_name: string;
  discount_percent: Decimal;
  /** RFC 3339. */
  since: string;
  /** "YYYY-MM-DD", the last day it counts (store time zone); null: no end. */
  until: string | null;
  /** In force today. */
  active: boolean;
}

/** One product's sales in a period (`report_products`), best sellers first. */
export interface ProductSales {
  sku: string;
  name: string;
  /** Units sold, less units refunded. */
  units: number;
  /** Net revenue (after discounts, before tax), less refunds. */
  net: Money;
  orders: number;
}
