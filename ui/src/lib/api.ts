// Typed wrappers for the Tauri commands in src-tauri/commands.rs.
//
// Tauri maps the camelCase keys of the argument object to the snake_case
// parameter names of the Rust handler (cartId -> cart_id). Fields inside a
// struct argument (`input`, the tenders) are deserialized by serde as they
// are, so they stay snake_case.
//
// Every wrapper rejects with a `UiError` ({code, message}), whatever went
// wrong, so screens can always show `message` inline.

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  Bundle,
  BundleInput,
  BundleList,
  BundleItemInput,
  Cart,
  Commission,
  Companion,
  Customer,
  CustomerKindFilter,
  DeadLetter,
  FlashSaleInput,
  FlashSaleList,
  FlashSaleView,
  Kit,
  LicenseStatus,
  Membership,
  MembershipTier,
  MineInput,
  MineOutcome,
  MiningProgress,
  OrderSummary,
  Payout,
  PersonForm,
  PlanView,
  Product,
  ProductInput,
  ProductSales,
  Program,
  ProgramInput,
  Quote,
  Receipt,
  ReferralCode,
  ReferrerDetail,
  ReferrerSummary,
  Refund,
  Rule,
  RuleInput,
  RuleList,
  Settings,
  StockLevel,
  StockReason,
  SyncStatus,
  TenderInput,
  TiersDoc,
  UiError,
  UsageRecord,
  UsageReport,
} from './types';

function isUiError(e: unknown): e is UiError {
  return typeof e === 'object' && e !== null && typeof (e as UiError).message === 'string';
}

/** Turns anything a rejected invoke may carry into a `UiError`. */
export function toUiError(e: unknown): UiError {
  if (isUiError(e)) return { code: typeof e.code === 'string' ? e.code : 'internal', message: e.message };
  if (typeof e === 'string') return { code: 'internal', message: e };
  return { code: 'internal', message: String(e) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toUiError(e);
  }
}

// Settings

export const settingsGet = () => call<Settings>('settings_get');

// Cart

/** The newest open cart, or a new one: restores the sale after a crash. */
export const cartCurrent = () => call<Cart>('cart_current');
export const cartNew = () => call<Cart>('cart_new');
export const cartAdd = (cartId: string, code: string, qty = 1) => call<Cart>('cart_add', { cartId, code, qty });
/** Adds what was scanned or typed, read by the core's item grammar ("COF", "3*COF", "COFx3"). */
export const cartScan = (cartId: string, text: string) => call<Cart>('cart_add', { cartId, code: text, qty: null });
export const cartSetQty = (cartId: string, lineId: number, qty: number) =>
  call<Cart>('cart_set_qty', { cartId, lineId, qty });
export const cartRemove = (cartId: string, lineId: number) => call<Cart>('cart_remove', { cartId, lineId });
/** `discount` is "10%" or "2.00"; null (or blank) clears it. */
export const cartLineDiscount = (cartId: string, lineId: number, discount: string | null) =>
  call<Cart>('cart_line_discount', { cartId, lineId, discount });
export const cartOrderDiscount = (cartId: string, discount: string | null) =>
  call<Cart>('cart_order_discount', { cartId, discount });
/** Voids the cart and returns a new, empty one. */
export const cartVoid = (cartId: string) => call<Cart>('cart_void', { cartId });
/** Idempotent per cart: completing the same cart twice returns the first receipt. */
export const cartComplete = (cartId: string, tenders: TenderInput[]) =>
  call<Receipt>('cart_complete', { cartId, tenders });

// Catalog and stock

export const productsList = (search?: string, includeInactive = false) =>
  call<Product[]>('products_list', { search: search?.trim() || null, includeInactive });
export const productAdd = (input: ProductInput) => call<Product>('product_add', { input });
export const productUpdate = (sku: string, input: ProductInput) => call<Product>('product_update', { sku, input });
/** `by` is a whole number as text, may be negative. */
export const stockAdjust = (sku: string, by: string, reason: StockReason, note: string | null) =>
  call<StockLevel>('stock_adjust', { sku, by, reason, note });

// Orders

/** Newest first. */
export const ordersList = (limit?: number) => call<OrderSummary[]>('orders_list', { limit: limit ?? null });
/** By id or receipt number. */
export const orderGet = (id: string) => call<Receipt>('order_get', { id });
/** `items` null refunds everything still refundable; else [SKU, qty] pairs. */
/** `key` makes the refund idempotent: sending the same key twice refunds once. */
export const orderRefund = (id: string, items: [string, number][] | null, key: string) =>
  call<Refund>('order_refund', { id, items, key });

// Pricing

/** Tells the app the first screen is drawn (it logs the start-up time). */
export const uiReady = () => call<null>('ui_ready');

/** Current effective prices of the active products matching `search` (all when blank). */
export const quotesList = (search?: string) => call<Quote[]>('quotes_list', { search: search?.trim() || null });
/** In listing order. */
export const pricingRulesList = () => call<RuleList>('pricing_rules_list');
/** Adds a rule at the end of the list. */
export const pricingRuleAdd = (input: RuleInput) => call<Rule>('pricing_rule_add', { input });
export const pricingRuleRemove = (id: number) => call<null>('pricing_rule_remove', { id });

/** Every flash sale, cancelled ones too, with its status now. */
export const flashList = () => call<FlashSaleList>('flash_list');
export const flashCreate = (input: FlashSaleInput) => call<FlashSaleView>('flash_create', { input });
/** Changes a sale that was not cancelled; takes effect at once. */
export const flashUpdate = (id: number, input: FlashSaleInput) => call<FlashSaleView>('flash_update', { id, input });
/** Stops the sale at once; it stays listed as cancelled. */
export const flashCancel = (id: number) => call<FlashSaleView | null>('flash_cancel', { id });
/** Deletes a sale for good: the way to remove one that cannot be read. */
export const flashDelete = (id: number) => call<null>('flash_delete', { id });

// Bundles and kits

/** Every bundle, inactive ones too (`all` false: only the active ones). */
export const bundlesList = (all = true) => call<BundleList>('bundles_list', { all });
export const bundleCreate = (input: BundleInput) => call<Bundle>('bundle_create', { input });
/** Replaces the name, items, offer and window; `active` undefined keeps it. */
export const bundleUpdate = (id: number, input: BundleInput, active?: boolean) =>
  call<Bundle>('bundle_update', { id, input, active: active ?? null });
/** Null when the bundle cannot be read (it is switched all the same). */
export const bundleSetActive = (id: number, active: boolean) =>
  call<Bundle | null>('bundle_set_active', { id, active });
/** Makes a bundle of a mined suggestion. Give `percentOff` or `price`; neither: 10% off. */
export const bundleSuggestionApprove = (
  key: string,
  name: string | null,
  percentOff: string | null,
  price: string | null,
) => call<Bundle>('bundle_suggestion_approve', { key, name, percentOff, price });
/** The suggestion is not offered again; resolves with its key. */
export const bundleSuggestionDismiss = (key: string) => call<string>('bundle_suggestion_dismiss', { key });
/** "Often bought with" the cart's last added item, leaving out what the cart holds; at most 3. */
export const cartCompanions = (cartId: string) => call<Companion[]>('cart_companions', { cartId });

export const kitsList = () => call<Kit[]>('kits_list');
/** Makes `sku` a kit of these components (replacing any it had). */
export const kitSet = (sku: string, items: BundleItemInput[]) => call<Kit>('kit_set', { sku, items });
/** `sku` is sold as itself again. */
export const kitClear = (sku: string) => call<Product>('kit_clear', { sku });

/**
 * Mines the baskets for bundles, on a worker thread: may take seconds.
 * Reports `mining-progress` (see `onMiningProgress`) while it runs; rejects
 * with code `cancelled` when `bundlesMineCancel` stopped it.
 */
export const bundlesMine = (input: MineInput) => call<MineOutcome>('bundles_mine', { input });
/** Stops the mining run, if any; false when none was running. */
export const bundlesMineCancel = () => call<boolean>('bundles_mine_cancel');

// Customers and referrals

/** Matches name, email or phone digits (all when blank); by name, at most 500. */
export const customersSearch = (search?: string, kind: CustomerKindFilter = 'customer') =>
  call<Customer[]>('customers_search', { search: search?.trim() || null, kind });
export const customerAdd = (input: PersonForm) => call<Customer>('customer_add', { input });
/** Someone who refers customers without being one; give them a code to appear as a referrer. */
export const affiliateAdd = (input: PersonForm) => call<Customer>('affiliate_add', { input });
/** Replaces name, email, phone and notes; `active` undefined keeps it. */
export const customerUpdate = (id: string, input: PersonForm, active?: boolean) =>
  call<Customer>('customer_update', { id, input, active: active ?? null });
/** `customerId` null: the sale is for nobody in particular. */
export const cartSetCustomer = (cartId: string, customerId: string | null) =>
  call<Cart>('cart_set_customer', { cartId, customerId });
/**
 * Checks the code now: an unusable one is refused with a message for the
 * cashier, and the cart keeps no code. `code` null clears it.
 */
export const cartSetReferral = (cartId: string, code: string | null) =>
  call<Cart>('cart_set_referral', { cartId, code });

/** Everyone who has a code or has earned, by name. */
export const referrersList = () => call<ReferrerSummary[]>('referrers_list');
export const referrerGet = (id: string) => call<ReferrerDetail>('referrer_get', { id });
/** A new code for a customer or affiliate (who then counts as a referrer). */
export const referralCodeIssue = (referrerId: string) => call<ReferralCode>('referral_code_issue', { referrerId });
/**
 * Pays every approved commission, net of unsettled reversals. Refused when
 * nothing is approved or the reversals exceed it.
 */
export const payoutCreate = (referrerId: string, method: string, reference: string | null) =>
  call<Payout>('payout_create', { referrerId, method, reference: reference?.trim() || null });
/** Approves the pending commissions whose return window has passed; resolves with them. */
export const commissionsApproveDue = () => call<Commission[]>('commissions_approve_due');
export const programGet = () => call<Program>('program_get');
/** Give percent OR amount; blank terms stay as they are. */
export const programSet = (input: ProgramInput) => call<Program>('program_set', { input });

// Plan, license, usage, memberships and reports
//
// A feature the plan does not include is refused with code `gated`; its
// message names the tier that has it (see `isGated` in plans.ts).

/** The tier in force, its features, the license and every tier to compare. */
export const planGet = () => call<PlanView>('plan_get');
/**
 * Loads a tiers document (JSON) the user chooses in the native file dialog
 * (the backend opens it); nothing changes when it has a mistake. Code
 * `cancelled` when the dialog was closed.
 */
export const planLoadFile = () => call<TiersDoc>('plan_load_file');
/**
 * Verifies and installs a license file the user chooses in the native file
 * dialog; a tampered or another store's license is refused. Code
 * `cancelled` when the dialog was closed.
 */
export const licenseInstallFile = () => call<LicenseStatus>('license_install_file');
/** `period` "YYYY-MM"; null or blank: the current billing period. */
export const usageReport = (period?: string | null) =>
  call<UsageReport>('usage_report', { period: period?.trim() || null });
/** Records usage of a metered service now (or `at`, RFC 3339); `quantity` as typed. */
export const usageRecord = (metric: string, quantity: string, at?: string | null) =>
  call<UsageRecord>('usage_record', { metric, quantity, at: at ?? null });

export const membershipTiersList = () => call<MembershipTier[]>('membership_tiers_list');
/** Adds (or replaces) a membership tier; `discount` in percent, `fee` per month (blank: free). Gated. */
export const membershipTierAdd = (id: string, name: string, discount: string, fee?: string | null) =>
  call<MembershipTier>('membership_tier_add', { id, name, discount, fee: fee?.trim() || null });
/** Replaces any membership the customer had; `until` "YYYY-MM-DD" (blank: no end). Gated. */
export const membershipEnroll = (customerId: string, tierId: string, until?: string | null) =>
  call<Membership>('membership_enroll', { customerId, tierId, until: until?.trim() || null });
/** The customer's membership, in force or not; null: none. */
export const membershipGet = (customerId: string) => call<Membership | null>('membership_get', { customerId });
/** Sales per product in [from, to) (RFC 3339); by default the current billing period. Gated. */
export const reportProducts = (from?: string | null, to?: string | null) =>
  call<ProductSales[]>('report_products', { from: from ?? null, to: to ?? null });

// Sync

export const syncStatus = () => call<SyncStatus>('sync_status');
/**
 * Keeps `token` in the OS keyring, saves `endpoint` and starts the
 * background sync. Code `keyring` when the OS has no keyring (the message
 * names the TILL_SYNC_TOKEN alternative).
 */
export const syncLogin = (endpoint: string, token: string) => call<SyncStatus>('sync_login', { endpoint, token });
/** Clears a "token refused" stop and makes sure the background sync runs; fails when not set up. */
export const syncNow = () => call<SyncStatus>('sync_now');
/** Events the upstream rejected, waiting for Retry or Discard. */
export const syncDeadLetters = () => call<DeadLetter[]>('sync_dead_letters');
/** Puts a rejected event back in the queue. */
export const syncRetry = (id: string) => call<null>('sync_retry', { id });
/** Drops a rejected event for good. */
export const syncDiscard = (id: string) => call<null>('sync_discard', { id });

// Events

/**
 * `prices-changed` (no payload): a flash sale started or ended, stock moved,
 * rules or sales changed, or another process changed the store.
 * `referrals-changed`: a payout was made or commissions were approved.
 */
export type BackendEvent = 'orders-changed' | 'catalog-changed' | 'prices-changed' | 'referrals-changed';

/**
 * Calls `handler` whenever the backend emits `event`; returns the function
 * that stops listening. Safe to call from an $effect: stopping before the
 * subscription has resolved still unsubscribes. Outside the Tauri window
 * (plain `vite dev` in a browser) there are no events, and nothing happens.
 */
export function onBackendEvent(event: BackendEvent, handler: () => void): () => void {
  return subscribe(event, () => handler());
}

/** Calls `handler` with each `mining-progress` event; returns the function that stops listening. */
export function onMiningProgress(handler: (progress: MiningProgress) => void): () => void {
  return subscribe<MiningProgress>('mining-progress', handler);
}

function subscribe<T>(event: string, handler: (payload: T) => void): () => void {
  let stopped = false;
  let unlisten: UnlistenFn | undefined;
  listen<T>(event, (e) => handler(e.payload))
    .then((fn) => {
      if (stopped) fn();
      else unlisten = fn;
    })
    .catch(() => {
      // No Tauri runtime: lists just will not refresh by themselves.
    });
  return () => {
    stopped = true;
    unlisten?.();
  };
}
