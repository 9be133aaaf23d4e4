//! The command-line contract. Names, flags and JSON keys here are relied on
//! by scripts and tests outside this crate: extend, never rename.

use std::path::PathBuf;

use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

/// The command line as `till` parses it: the tree below with one rule for
/// every argument that takes a value, so that no flag can miss it: a value
/// that looks like a negative number ("-1", "-2.50") is a value, never a
/// flag (Till has no flags named like numbers). So `--price -1` reaches
/// Till's own "must not be negative", and `stock adjust --by -2` works.
pub fn command() -> clap::Command {
    numbers_are_values(Cli::command())
}

fn numbers_are_values(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|a| match a.get_action() {
        ArgAction::Set | ArgAction::Append => a.allow_negative_numbers(true),
        _ => a,
    })
    .mut_subcommands(numbers_are_values)
}

/// Parses the process's arguments with [`command`].
pub fn parse() -> Result<Cli, clap::Error> {
    parse_from(std::env::args_os())
}

pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut matches = command().try_get_matches_from(args)?;
    Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut command()))
}

#[derive(Debug, Parser)]
#[command(
    name = "till",
    version,
    about = "Till: offline-first point of sale for small shops",
    propagate_version = true
)]
pub struct Cli {
    /// The store file (else $TILL_DB, else the OS user data folder).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Machine-readable JSON on stdout; errors as {"error":{"code","message"}} on stderr.
    #[arg(long, global = true)]
    pub json: bool,

    /// Who is working the till (recorded on sales and stock movements; else $TILL_USER, else $USER).
    /// On a store with staff the signed-in member is recorded: --user may only name them.
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,

    /// Sign in as this staff member (else $TILL_STAFF), with the PIN in
    /// $TILL_PIN or, with --pin-stdin, on the first line of stdin. Needed on
    /// a store with staff; a store without staff asks no one.
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub member: Option<String>,

    /// Read the PIN of --as from the first line of stdin instead of $TILL_PIN.
    #[arg(long, global = true)]
    pub pin_stdin: bool,

    /// A manager (or owner) approves what the signed-in member's role may
    /// not do alone (a cashier's refund): their name here, their PIN in
    /// $TILL_APPROVER_PIN. The action is recorded with both names.
    #[arg(long, global = true, value_name = "NAME")]
    pub approve_by: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new store.
    Init(InitArgs),
    /// The store file itself.
    #[command(subcommand)]
    Store(StoreCmd),
    /// Catalog: add, list, show, edit products.
    #[command(subcommand)]
    Product(ProductCmd),
    /// Inventory: adjust, show, history, low stock.
    #[command(subcommand)]
    Stock(StockCmd),
    /// Stock counts: start, count by scanning or typing, commit.
    #[command(subcommand)]
    Count(crate::counts::CountCmd),
    /// Ring up and complete a sale in one go.
    Sale(SaleArgs),
    /// Completed orders: show, list, refund.
    #[command(subcommand)]
    Order(OrderCmd),
    /// Receipts: an order's or a refund's, as printed, as a PDF, by email.
    #[command(subcommand)]
    Receipt(crate::receipt::ReceiptCmd),
    /// Product labels: name, price, barcode.
    #[command(subcommand)]
    Label(crate::receipt::LabelCmd),
    /// Prices: what a product costs now or at a given time, and why.
    #[command(subcommand)]
    Price(PriceCmd),
    /// Demo data and load generation.
    #[command(subcommand)]
    Demo(DemoCmd),
    /// Products from a CSV file (Shopify's product CSV or Till's own).
    #[command(subcommand)]
    Import(crate::catalog::ImportCmd),
    /// All of the shop's data, as CSV files with a manifest; the products
    /// as Shopify's or Till's product CSV.
    #[command(subcommand)]
    Export(ExportCmd),
    /// Store settings.
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// Dynamic pricing rules.
    #[command(subcommand)]
    Pricing(PricingCmd),
    /// Flash sales: time-boxed prices, once or weekly.
    #[command(subcommand)]
    Flash(FlashCmd),
    /// Bundles learned from baskets: mine, suggest, approve, dismiss.
    #[command(subcommand)]
    Bundles(BundlesCmd),
    /// Bundle offers applied automatically at checkout.
    #[command(subcommand)]
    Bundle(BundleCmd),
    /// Kits: one SKU sold as its components.
    #[command(subcommand)]
    Kit(KitCmd),
    /// Sync with the upstream (protocol v1, docs/sync-protocol.md).
    #[command(subcommand)]
    Sync(SyncCmd),
    /// Backups of the store: create, list, verify, restore.
    #[command(subcommand)]
    Backup(BackupCmd),
    /// Customers: add, list, show, edit.
    #[command(subcommand)]
    Customer(CustomerCmd),
    /// Affiliates: partners who refer customers.
    #[command(subcommand)]
    Affiliate(AffiliateCmd),
    /// Referral codes and referrers' standing.
    #[command(subcommand)]
    Referral(ReferralCmd),
    /// The referral program's terms.
    #[command(subcommand)]
    Program(ProgramCmd),
    /// The commission ledger.
    #[command(subcommand)]
    Commission(CommissionCmd),
    /// Paying referrers.
    #[command(subcommand)]
    Payout(PayoutCmd),
    /// The plan: tiers, what this store's tier allows.
    #[command(subcommand)]
    Plan(PlanCmd),
    /// The license: install and show.
    #[command(subcommand)]
    License(LicenseCmd),
    /// Is a feature available? (exit 0 yes, 3 gated)
    #[command(subcommand)]
    Feature(FeatureCmd),
    /// Is a limit respected? (exit 0 within, 3 over)
    #[command(subcommand)]
    Limit(LimitCmd),
    /// Metered usage: record and report per billing period.
    #[command(subcommand)]
    Usage(UsageCmd),
    /// The shop's memberships for its customers.
    #[command(subcommand)]
    Membership(MembershipCmd),
    /// Reports on the shop's own data.
    #[command(subcommand)]
    Report(crate::report::ReportCmd),
    /// The cash drawer's shifts: open with a float, cash in and out, X and Z reports.
    #[command(subcommand)]
    Shift(crate::shift::ShiftCmd),
    /// Suppliers: who the shop buys from.
    #[command(subcommand)]
    Supplier(crate::purchasing::SupplierCmd),
    /// Purchase orders: create, send, receive deliveries, cancel, export.
    #[command(subcommand)]
    Po(crate::purchasing::PoCmd),
    /// Staff members, their roles and PINs (the owner's).
    #[command(subcommand)]
    Staff(StaffCmd),
    /// The receipt printer: set up, show, test page, the print queue.
    #[command(subcommand)]
    Printer(crate::printer::PrinterCmd),
    /// The cash drawer behind the receipt printer.
    #[command(subcommand)]
    Drawer(crate::printer::DrawerCmd),
    /// The audit trail: who did what sensitive thing, when, approved by whom.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// The mail server email receipts go through, and their queue.
    #[command(subcommand)]
    Email(crate::email::EmailCmd),
    /// Check the store: SQLite integrity, the stock ledger, every stored
    /// value read the way Till reads it, and scan codes naming two products.
    /// Exits 2 when it finds anything.
    Doctor,
}

#[derive(Debug, Subcommand)]
pub enum StoreCmd {
    /// Print the path of the store file `till` opens (--db, else $TILL_DB,
    /// else till/till.db in the user data folder; the app opens the same),
    /// whether it exists or not. JSON: {"path": ...}.
    Path,
}

#[derive(Debug, Subcommand)]
pub enum BackupCmd {
    /// Take a consistent copy of the store now, while it may be selling:
    /// into the backup folder (which then keeps the newest `backup_keep`),
    /// or into --out FILE. JSON: {"path","bytes","orders","created_at"}.
    Create {
        /// Write the backup to this file (it must not exist yet).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The backup folder's backups, newest first.
    List,
    /// Check a backup file: SQLite's integrity check, a Till store, a schema
    /// this Till knows. Exits 2 with the reason when it fails.
    Verify { file: PathBuf },
    /// Replace the store's content with a backup file that verifies; the
    /// replaced store is kept as a backup. With no store at --db yet, the
    /// backup becomes the store. Refused (exit 2, store untouched) unless
    /// FILE verifies.
    Restore { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum SyncCmd {
    /// Save the upstream endpoint; the device token is read from stdin and kept in the OS keyring.
    Login {
        #[arg(long)]
        endpoint: String,
    },
    /// Send the backlog to the upstream.
    Run {
        /// Upstream URL (default: the one saved by `sync login`).
        #[arg(long)]
        endpoint: Option<String>,
        /// Push until the backlog is empty or a non-retryable error, then exit
        /// (0 only when empty). Without it, keep syncing until interrupted.
        #[arg(long)]
        once: bool,
        /// With --once: give up retrying after this many seconds (default 300).
        #[arg(long, value_name = "SECONDS")]
        deadline: Option<String>,
        /// Per-request timeout in seconds (default 15).
        #[arg(long, value_name = "SECONDS")]
        timeout: Option<String>,
        /// Longest wait between retries in seconds (default 60).
        #[arg(long, value_name = "SECONDS")]
        max_backoff: Option<String>,
    },
    /// Connected or not, backlog, last success, last error, dead letters.
    Status,
    /// Events the upstream refused, with the reason.
    DeadLetters,
    /// Queue a dead letter again.
    Retry { id: String },
    /// Give up on a dead letter (it stays recorded as discarded).
    Discard { id: String },
}

#[derive(Debug, Subcommand)]
pub enum PricingCmd {
    /// Stock and sell-by rules.
    #[command(subcommand)]
    Rule(RuleCmd),
}

#[derive(Debug, Subcommand)]
pub enum RuleCmd {
    /// Add a rule at the end of the list (the first listed wins a tie).
    Add(RuleAddArgs),
    /// List rules in order.
    List,
    /// Remove a rule.
    Remove { id: String },
}

#[derive(Debug, Args)]
pub struct RuleAddArgs {
    #[command(flatten)]
    pub when: RuleWhen,
    #[command(flatten)]
    pub effect: RuleEffect,
    /// Only this SKU (default: all products).
    #[arg(long, conflicts_with = "category")]
    pub sku: Option<String>,
    /// Only this category (default: all products).
    #[arg(long)]
    pub category: Option<String>,
    /// Units of stock past the threshold before the rule lets go again, so a
    /// price does not flip back and forth when stock hovers at it.
    #[arg(long, default_value = "0")]
    pub hysteresis: String,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct RuleWhen {
    /// When on-hand is below N.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub when_stock_below: Option<String>,
    /// When on-hand is above N.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub when_stock_above: Option<String>,
    /// When the product's sell-by date is N days away or less.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub within_days_of_sell_by: Option<String>,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct RuleEffect {
    /// Multiply the price (1.15 = +15 %, 0.95 = -5 %).
    #[arg(long, value_name = "M", allow_hyphen_values = true)]
    pub multiplier: Option<String>,
    /// Add an amount to the price (negative: off).
    #[arg(long, value_name = "A", allow_hyphen_values = true)]
    pub amount: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum FlashCmd {
    /// Create a flash sale.
    Create(FlashArgs),
    /// Change a flash sale (takes effect at once).
    Edit {
        id: String,
        #[command(flatten)]
        args: FlashArgs,
    },
    /// List flash sales with their status (upcoming, active, past, cancelled).
    List {
        /// RFC 3339; status as of this time (default: now).
        #[arg(long)]
        at: Option<String>,
    },
    /// Cancel a flash sale; it stops at once.
    Cancel { id: String },
    /// Delete a flash sale for good (receipts keep the notes it gave);
    /// the way to remove one that cannot be read.
    Delete { id: String },
}

#[derive(Debug, Args)]
pub struct FlashArgs {
    #[arg(long)]
    pub name: String,
    /// A SKU on sale; repeatable.
    #[arg(long = "sku", required_unless_present = "categories")]
    pub skus: Vec<String>,
    /// A category on sale; repeatable.
    #[arg(long = "category")]
    pub categories: Vec<String>,
    #[command(flatten)]
    pub effect: FlashEffectArgs,
    /// RFC 3339, inclusive.
    #[arg(long)]
    pub start: String,
    /// RFC 3339, exclusive.
    #[arg(long)]
    pub end: String,
    /// Repeat the window every week at the same local time.
    #[arg(long)]
    pub weekly: bool,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct FlashEffectArgs {
    /// Multiply prices (0.75 = -25 %).
    #[arg(long, value_name = "M", allow_hyphen_values = true)]
    pub multiplier: Option<String>,
    /// A fixed unit price.
    #[arg(long, value_name = "P", allow_hyphen_values = true)]
    pub price: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Make a demo store: a café with four weeks of sales up to now, pricing
    /// rules, a weekly happy hour, bundles, customers, referrals and refunds.
    #[arg(long)]
    pub demo: bool,
    /// With --demo: the seed of the demo's history (default 42); the same
    /// seed and --at give the same shop (ids and receipt prefix aside).
    #[arg(long, value_name = "N", requires = "demo")]
    pub seed: Option<String>,
    /// With --demo: when the history ends (RFC 3339; default: now).
    #[arg(long, value_name = "TIME", requires = "demo")]
    pub at: Option<String>,
    /// With --demo: install this license first (a vendor's license file);
    /// with memberships in its plan, the demo has a coffee club and members.
    #[arg(long, value_name = "FILE", requires = "demo")]
    pub license: Option<PathBuf>,
    /// With --demo: the demo catalog alone, no history.
    #[arg(long, requires = "demo", conflicts_with_all = ["seed", "at", "license"])]
    pub catalog_only: bool,
    /// ISO 4217 currency code.
    #[arg(long, default_value = "EUR")]
    pub currency: String,
    /// "exclusive" (tax added at the till, the default) or "inclusive" (shelf prices include tax).
    #[arg(long, default_value = "exclusive")]
    pub tax_mode: String,
    /// The shop's name, shown on receipts.
    #[arg(long)]
    pub name: Option<String>,
    /// IANA time zone (default: this machine's).
    #[arg(long)]
    pub time_zone: Option<String>,
    /// How dates and times read: a BCP 47 locale tag such as de-DE (default:
    /// this machine's, from LC_ALL, LC_TIME or LANG; else en-GB).
    #[arg(long, value_name = "TAG")]
    pub locale: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ProductCmd {
    /// Add a product.
    Add(ProductAddArgs),
    /// List products.
    List {
        /// Only products whose SKU, name, barcode or category contains this.
        #[arg(long)]
        search: Option<String>,
        /// Include inactive products.
        #[arg(long)]
        all: bool,
    },
    /// Show one product.
    Show { sku: String },
    /// Change a product.
    Edit(ProductEditArgs),
}

#[derive(Debug, Args)]
pub struct ProductAddArgs {
    #[arg(long)]
    pub sku: String,
    #[arg(long)]
    pub name: String,
    /// Base unit price, e.g. 4.50.
    #[arg(long)]
    pub price: String,
    #[arg(long)]
    pub cost: Option<String>,
    #[arg(long)]
    pub barcode: Option<String>,
    /// Percent, e.g. 20 for 20 %. Without it: the store's default rate, else no tax.
    #[arg(long)]
    pub tax_rate: Option<String>,
    #[arg(long)]
    pub category: Option<String>,
    /// Opening stock (recorded as a restock).
    #[arg(long)]
    pub stock: Option<String>,
    #[command(flatten)]
    pub pricing: ProductPricingArgs,
    #[command(flatten)]
    pub supply: ProductSupplyArgs,
}

#[derive(Debug, Args)]
pub struct ProductPricingArgs {
    /// Sell-by date, YYYY-MM-DD ("" clears it).
    #[arg(long)]
    pub sell_by: Option<String>,
    /// Lowest price dynamic pricing may set ("" clears it: cost then applies).
    #[arg(long)]
    pub floor: Option<String>,
    /// Highest price as a multiple of the base price ("" clears it).
    #[arg(long)]
    pub ceiling: Option<String>,
}

/// Who supplies a product and when to reorder it; "" clears a value.
#[derive(Debug, Args)]
pub struct ProductSupplyArgs {
    /// A supplier's name (till supplier add).
    #[arg(long)]
    pub supplier: Option<String>,
    /// The supplier's own code for the product.
    #[arg(long)]
    pub supplier_sku: Option<String>,
    /// Reorder when on-hand is at or below this many units.
    #[arg(long)]
    pub reorder_point: Option<String>,
    /// Order at least this many units when reordering.
    #[arg(long)]
    pub reorder_qty: Option<String>,
    /// A "was" price shown beside the price.
    #[arg(long)]
    pub compare_at_price: Option<String>,
}

#[derive(Debug, Args)]
pub struct ProductEditArgs {
    pub sku: String,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub price: Option<String>,
    /// A cost, or "" to clear it.
    #[arg(long)]
    pub cost: Option<String>,
    /// A barcode, or "" to clear it.
    #[arg(long)]
    pub barcode: Option<String>,
    #[arg(long)]
    pub tax_rate: Option<String>,
    /// A category, or "" to clear it.
    #[arg(long)]
    pub category: Option<String>,
    /// true or false.
    #[arg(long)]
    pub active: Option<bool>,
    #[command(flatten)]
    pub pricing: ProductPricingArgs,
    #[command(flatten)]
    pub supply: ProductSupplyArgs,
}

#[derive(Debug, Subcommand)]
pub enum StockCmd {
    /// Record a manual stock change.
    Adjust {
        sku: String,
        /// Units to add (negative to remove).
        #[arg(long, allow_hyphen_values = true)]
        by: String,
        /// restock, count, damage or correction.
        #[arg(long)]
        reason: String,
        /// Free text kept with the movement.
        #[arg(long)]
        note: Option<String>,
    },
    /// On-hand quantity.
    Show { sku: String },
    /// The product's stock ledger.
    History { sku: String },
    /// Products at or below their reorder point, with the quantity to
    /// order (README "Low stock and reordering"). JSON:
    /// [{"sku","on_hand","reorder_point","suggested_qty","supplier",...}].
    Low,
    /// Create a draft purchase order to a supplier from the suggestions of
    /// `stock low`, at each product's cost (products without a cost are
    /// left out and named). JSON: the PO {"id","number","status","lines",
    /// ...} and "without_cost".
    Reorder {
        /// The supplier's name.
        #[arg(long)]
        supplier: String,
    },
}

#[derive(Debug, Args)]
pub struct SaleArgs {
    /// SKU or barcode, optionally with a quantity: COFFEE, COFFEEx3 or 3*COFFEE
    /// (README, "Items"). Repeatable.
    #[arg(
        long = "item",
        value_name = "SKU[xQ]",
        required = true,
        allow_hyphen_values = true
    )]
    pub items: Vec<String>,
    /// cash:AMOUNT or card:AMOUNT[:REFERENCE]. Repeatable for split payments.
    #[arg(long = "pay", value_name = "METHOD:AMOUNT", allow_hyphen_values = true)]
    pub pays: Vec<String>,
    /// Order discount: "10%" or an amount.
    #[arg(long)]
    pub discount: Option<String>,
    /// The customer's id.
    #[arg(long)]
    pub customer: Option<String>,
    /// A referral code given at the counter.
    #[arg(long)]
    pub referral: Option<String>,
    /// Idempotency key: repeating a sale with the same key returns the first receipt.
    #[arg(long)]
    pub key: Option<String>,
    /// The receipt: print, none, auto (print when the printer's auto-print
    /// is on; the default) or email:ADDRESS.
    #[arg(long, value_name = "CHOICE")]
    pub receipt: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum OrderCmd {
    /// Show an order by id or receipt number.
    Show { id: String },
    /// List orders, oldest first.
    List {
        /// RFC 3339; orders at or after this time.
        #[arg(long)]
        from: Option<String>,
        /// RFC 3339; orders before this time.
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        limit: Option<String>,
    },
    /// Refund an order, fully or the given items.
    Refund {
        id: String,
        /// SKU[xQ]; repeatable. Without it, everything not yet refunded.
        #[arg(long = "item", value_name = "SKU[xQ]", allow_hyphen_values = true)]
        items: Vec<String>,
        /// Idempotency key.
        #[arg(long)]
        key: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PriceCmd {
    /// The unit price of a product and every step that changed it.
    Show {
        sku: String,
        /// RFC 3339; price as of this time (default: now).
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DemoCmd {
    /// Ring up realistic random sales through the normal checkout.
    Sales {
        #[arg(long)]
        count: String,
        #[arg(long, default_value = "1")]
        seed: String,
    },
    /// Bulk history for benchmarks and demos: N orders spread over the last
    /// D days up to today, through the normal sale path, one transaction per
    /// day (progress on stderr). JSON: {"orders","lines","refunds","days",
    /// "from","to","seconds"}.
    History {
        /// How many orders (1 to 5,000,000).
        #[arg(long, value_name = "N")]
        orders: String,
        /// Over how many days, today included (1 to 3650).
        #[arg(long, value_name = "D")]
        days: String,
        #[arg(long, default_value = "1")]
        seed: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// Every table of the shop's data as one CSV file each into --out DIR
    /// (made when missing; earlier files there are replaced), then
    /// manifest.json with each file's rows and SHA-256. NULL is an empty
    /// field, empty text "", BLOBs hex; staff PIN hashes are left out.
    /// JSON: the manifest {"tables":[{"table","file","columns","rows","sha256"}],
    /// "exported_at","schema_version","left_out"}.
    All {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Every product as one CSV file: --format shopify (Shopify's product
    /// CSV, one single-variant product per row, the tax rate as the metafield
    /// column "Tax rate (product.metafields.till.tax_rate)") or till (every
    /// field). JSON: {"format","file","products"}.
    Products(crate::catalog::ExportProducts),
}

// Parsed once per run: the size of the biggest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    /// Show the store settings.
    Show,
    /// Change store settings.
    Set {
        #[arg(long)]
        name: Option<String>,
        /// exclusive or inclusive.
        #[arg(long)]
        tax_mode: Option<String>,
        /// Percent given to new products without a rate; "" clears it.
        #[arg(long)]
        default_tax_rate: Option<String>,
        /// Allow selling more than on hand (true/false).
        #[arg(long)]
        allow_negative_stock: Option<bool>,
        /// IANA time zone, e.g. Europe/Paris.
        #[arg(long)]
        time_zone: Option<String>,
        /// How dates and times read: a BCP 47 locale tag, e.g. de-DE, fr-FR, en-GB.
        #[arg(long, value_name = "TAG")]
        locale: Option<String>,
        /// Keep dynamic prices at or above cost (true/false).
        #[arg(long)]
        floor_at_cost: Option<bool>,
        /// Highest dynamic price as a multiple of the base price; "" for none.
        #[arg(long)]
        price_ceiling: Option<String>,
        /// ISO 4217 code, e.g. EUR; only until the first sale.
        #[arg(long, value_name = "CODE")]
        currency: Option<String>,
        /// The shop's address as printed on receipts; "" clears it.
        #[arg(long)]
        address: Option<String>,
        /// The shop's tax or VAT number, printed on receipts; "" clears it.
        #[arg(long)]
        tax_id: Option<String>,
        /// Lines printed under the shop's name on receipts; "" clears them.
        #[arg(long, value_name = "TEXT")]
        receipt_header: Option<String>,
        /// Lines printed at the foot of receipts (returns policy, thanks); "" clears them.
        #[arg(long, value_name = "TEXT")]
        receipt_footer: Option<String>,
        /// A PNG image printed at the top of receipts; "" removes it.
        #[arg(long, value_name = "FILE.png")]
        logo: Option<String>,
        /// Folder for backups (a full path); "" for a `backups` folder beside the store.
        #[arg(long, value_name = "DIR")]
        backup_dir: Option<String>,
        /// Hours between automatic backups while the app runs (1 to 8760).
        #[arg(long, value_name = "H")]
        backup_every_hours: Option<String>,
        /// How many backups to keep, newest first (1 to 1000).
        #[arg(long, value_name = "N")]
        backup_keep: Option<String>,
        /// Look for a new version when the app starts (true/false).
        #[arg(long)]
        update_check: Option<bool>,
        /// Web address of the update manifest; "" for none.
        #[arg(long, value_name = "URL")]
        update_endpoint: Option<String>,
        /// Discounts above this percent of the line or the order need a manager (0 to 100).
        #[arg(long, value_name = "P")]
        discount_approval_pct: Option<String>,
        /// Minutes without input before the window locks (0: never).
        #[arg(long, value_name = "N")]
        idle_lock_minutes: Option<String>,
        /// Sales wait for an open shift (true/false).
        #[arg(long)]
        require_shift: Option<bool>,
        /// Days of sales a reorder suggestion covers beyond the supplier's
        /// lead time (0 to 365; `till stock low`).
        #[arg(long, value_name = "DAYS")]
        reorder_cover_days: Option<String>,
    },
    /// Who changed which setting, when, from what to what; newest first.
    History {
        /// At most this many changes.
        #[arg(long, default_value = "50")]
        limit: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum BundlesCmd {
    /// Find items bought together (exact FP-Growth + association rules), in
    /// the store's order history or in a basket file.
    Mine {
        /// A basket file instead of the store's orders.
        #[arg(long, value_name = "FILE")]
        input: Option<PathBuf>,
        /// fimi (space-separated item ids per line) or csv (comma-separated
        /// item names per line); default: by the file's extension.
        #[arg(long, requires = "input")]
        format: Option<String>,
        /// Smallest share of transactions an itemset must appear in, in (0, 1].
        #[arg(long)]
        min_support: String,
        /// Smallest confidence of a rule, in [0, 1].
        #[arg(long)]
        min_confidence: String,
        /// Largest itemset size.
        #[arg(long)]
        max_len: Option<String>,
    },
    /// Bundles the shop's baskets suggest: pairs and triples by lift and
    /// confidence, minus dismissed ones and existing bundles.
    Suggest {
        /// Only suggestions with this SKU.
        #[arg(long)]
        sku: Option<String>,
        /// Smallest share of orders holding all the items, in (0, 1].
        #[arg(long, default_value = "0.01")]
        min_support: String,
        /// Smallest confidence of a rule within the items, in [0, 1].
        #[arg(long, default_value = "0.2")]
        min_confidence: String,
        /// At most this many suggestions.
        #[arg(long, default_value = "20")]
        limit: String,
    },
    /// Turn a suggestion (its KEY, e.g. BREAD+BUTTER) into a bundle.
    Approve {
        key: String,
        /// Default: the items' names joined by " + ".
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        offer: BundleOfferArgs,
        #[command(flatten)]
        window: BundleWindowArgs,
    },
    /// Never suggest this set of items again.
    Dismiss { key: String },
    /// Products often bought with this one (what the checkout suggests).
    Companions {
        sku: String,
        #[arg(long, default_value = "3")]
        limit: String,
    },
}

#[derive(Debug, Args)]
pub struct BundleOfferArgs {
    /// Percent off the items' unit prices (default 10).
    #[arg(long, conflicts_with = "price", allow_hyphen_values = true)]
    pub percent_off: Option<String>,
    /// A fixed price for one set of the items.
    #[arg(long, allow_hyphen_values = true)]
    pub price: Option<String>,
}

#[derive(Debug, Args)]
pub struct BundleWindowArgs {
    /// RFC 3339; the bundle applies from then ("" clears it on edit).
    #[arg(long)]
    pub from: Option<String>,
    /// RFC 3339; the bundle applies until then ("" clears it on edit).
    #[arg(long)]
    pub until: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum BundleCmd {
    /// Define a bundle.
    Create {
        #[arg(long)]
        name: String,
        /// SKU or barcode with units per set: BREAD or MUGx2. Repeatable.
        #[arg(
            long = "item",
            value_name = "SKU[xQ]",
            required = true,
            allow_hyphen_values = true
        )]
        items: Vec<String>,
        #[command(flatten)]
        offer: BundleOfferArgs,
        #[command(flatten)]
        window: BundleWindowArgs,
    },
    /// Bundles on offer (inactive ones too with --all).
    List {
        #[arg(long)]
        all: bool,
    },
    Show {
        id: String,
    },
    /// Change a bundle; --active false withdraws it.
    Edit {
        id: String,
        #[arg(long)]
        name: Option<String>,
        /// Replaces all items. Repeatable.
        #[arg(long = "item", value_name = "SKU[xQ]", allow_hyphen_values = true)]
        items: Vec<String>,
        #[command(flatten)]
        offer: BundleOfferArgs,
        #[command(flatten)]
        window: BundleWindowArgs,
        #[arg(long)]
        active: Option<bool>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KitCmd {
    /// Make an existing product a kit of these components (replacing any).
    Set {
        sku: String,
        /// Component SKU with units per kit: MUG or TEAx2. Repeatable.
        #[arg(
            long = "item",
            value_name = "SKU[xQ]",
            required = true,
            allow_hyphen_values = true
        )]
        items: Vec<String>,
    },
    /// Turn a kit back into a plain product.
    Clear {
        sku: String,
    },
    Show {
        sku: String,
    },
    List,
}

#[derive(Debug, Args)]
pub struct PersonArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CustomerCmd {
    /// Add a customer; prints the new id.
    Add {
        #[command(flatten)]
        person: PersonArgs,
        /// The referral code they came with: links them to its referrer now.
        #[arg(long)]
        referral: Option<String>,
    },
    /// Customers, by name; --search matches name, email or phone.
    List {
        #[arg(long)]
        search: Option<String>,
    },
    Show {
        id: String,
    },
    /// Change a customer or an affiliate ("" clears email, phone, notes).
    Edit {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        #[arg(long)]
        active: Option<bool>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AffiliateCmd {
    /// Add an affiliate; prints the new id.
    Add {
        #[command(flatten)]
        person: PersonArgs,
    },
    List {
        #[arg(long)]
        search: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReferralCmd {
    /// Issue a new referral code for a customer or an affiliate; prints it.
    Code {
        referrer_id: String,
        /// RFC 3339; the code stops working then.
        #[arg(long)]
        expires: Option<String>,
    },
    /// Referrers with pending, approved, paid and balance.
    List,
    /// One referrer: codes, ledger entries, payouts.
    Show { referrer_id: String },
}

#[derive(Debug, Subcommand)]
pub enum ProgramCmd {
    /// Change the terms (only what is given changes).
    Set {
        /// Percent of each order's net total (after discounts, before tax).
        #[arg(long, conflicts_with = "amount", allow_hyphen_values = true)]
        percent: Option<String>,
        /// A fixed amount per order instead.
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
        /// Days from a referred customer's first order during which their orders earn.
        #[arg(long, allow_hyphen_values = true)]
        window_days: Option<String>,
        /// Days after a sale before its commission is approved.
        #[arg(long, allow_hyphen_values = true)]
        return_days: Option<String>,
    },
    Show,
}

#[derive(Debug, Subcommand)]
pub enum CommissionCmd {
    /// Ledger entries, oldest first; a reversal has a negative amount.
    List {
        /// pending, approved, paid or reversed.
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        referrer: Option<String>,
    },
    /// Approve pending commissions whose return window has passed.
    ApproveDue {
        /// RFC 3339 (default: now).
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PayoutCmd {
    /// Pay a referrer every approved commission, net of reversals.
    Create {
        #[arg(long)]
        referrer: String,
        /// How it was paid: cash, bank, voucher…
        #[arg(long)]
        method: String,
        #[arg(long)]
        reference: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlanCmd {
    /// Load a tiers document ({"tiers":[{"id","name","price_monthly","features","limits"}]}).
    Load { file: PathBuf },
    /// The tier in force, its features and limits, and the license.
    Show,
    /// Billing periods start on this day of the month (1-28; "" for calendar months).
    Set {
        #[arg(long)]
        billing_day: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum LicenseCmd {
    /// Verify and install a license file.
    Install {
        file: PathBuf,
    },
    Show,
}

#[derive(Debug, Subcommand)]
pub enum FeatureCmd {
    Check { key: String },
}

#[derive(Debug, Subcommand)]
pub enum LimitCmd {
    Check { key: String },
}

#[derive(Debug, Subcommand)]
pub enum UsageCmd {
    /// Record usage of a metered service.
    Record {
        #[arg(long)]
        metric: String,
        #[arg(long, allow_hyphen_values = true)]
        quantity: String,
        /// RFC 3339 (default: now).
        #[arg(long)]
        at: Option<String>,
    },
    /// Totals per metric against the plan's limits.
    Report {
        /// A billing period by its month, e.g. 2026-11 (default: the current one).
        #[arg(long, conflicts_with_all = ["from", "to"])]
        period: Option<String>,
        /// RFC 3339, with --to.
        #[arg(long, requires = "to")]
        from: Option<String>,
        #[arg(long, requires = "from")]
        to: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MembershipCmd {
    /// Membership tiers.
    #[command(subcommand)]
    Tier(MembershipTierCmd),
    /// Enroll a customer in a tier (replacing any membership).
    Enroll {
        customer_id: String,
        tier_id: String,
        /// Last day it counts (YYYY-MM-DD, store time zone).
        #[arg(long)]
        until: Option<String>,
    },
    Show {
        customer_id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum MembershipTierCmd {
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// Member discount in percent.
        #[arg(long, allow_hyphen_values = true)]
        discount: String,
        /// Monthly fee.
        #[arg(long, default_value = "0", allow_hyphen_values = true)]
        fee: String,
    },
    /// Load tiers in the tiers format, each with a "discount_percent".
    Load {
        file: PathBuf,
    },
    List,
}

#[derive(Debug, Subcommand)]
pub enum StaffCmd {
    /// Add a staff member (the first must be an owner; from then on the
    /// store asks who is working). The PIN (4 to 8 digits) comes from
    /// $TILL_NEW_PIN, else the first line of stdin (the next one when
    /// --pin-stdin took the first).
    Add {
        #[arg(long)]
        name: String,
        /// owner, manager or cashier.
        #[arg(long)]
        role: String,
    },
    /// Every member: name, role, active, locked until.
    List,
    /// Give a member another role.
    SetRole {
        name: String,
        /// owner, manager or cashier.
        #[arg(long)]
        role: String,
    },
    /// Stop a member from signing in (their history stays).
    Disable { name: String },
    /// Let a disabled member sign in again.
    Enable { name: String },
    /// Give a member a new PIN, from $TILL_NEW_PIN, else the first line of
    /// stdin (the next one when --pin-stdin took the first).
    SetPin { name: String },
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Audit entries, newest first.
    List {
        /// RFC 3339; entries at or after this time.
        #[arg(long)]
        from: Option<String>,
        /// RFC 3339; entries before this time.
        #[arg(long)]
        to: Option<String>,
        /// Entries where this member acted, approved or was acted on.
        #[arg(long, value_name = "NAME")]
        staff: Option<String>,
        /// Entries of this action (refund, pin.failed …) or family of
        /// actions (pin, staff, shift …).
        #[arg(long)]
        action: Option<String>,
        /// At most this many entries, the newest.
        #[arg(long)]
        limit: Option<String>,
    },
    /// Recompute the hash chain: exit 0 when every entry is as written,
    /// exit 1 naming the first entry that is not (the store was edited
    /// outside Till). JSON: {"ok","entries","head"} or {"ok","first_bad_seq"}.
    Verify,
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use clap::error::ErrorKind;
    use till_core::Error;

    /// Every subcommand, as the words that reach it, with its command.
    fn leaves(path: Vec<String>, cmd: &clap::Command, out: &mut Vec<(Vec<String>, clap::Command)>) {
        let subs: Vec<&clap::Command> = cmd
            .get_subcommands()
            .filter(|c| c.get_name() != "help")
            .collect();
        if subs.is_empty() {
            out.push((path, cmd.clone()));
            return;
        }
        for sub in subs {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            leaves(p, sub, out);
        }
    }

    fn words_for(arg: &clap::Arg, value: &str) -> Vec<String> {
        match arg.get_long() {
            Some(long) => vec![format!("--{long}"), value.to_string()],
            None => vec![value.to_string()],
        }
    }

    /// Takes a value the parser does not choose from a list (true/false):
    /// all of Till's numbers, amounts, times and names.
    fn takes_value(a: &clap::Arg) -> bool {
        matches!(
            a.get_action(),
            clap::ArgAction::Set | clap::ArgAction::Append
        ) && a.get_possible_values().is_empty()
    }

    /// `till PATH… ARG VALUE` with the leaf's other required arguments
    /// given "1", and one member of each required group (this argument
    /// when it is one).
    fn argv(
        db: &Path,
        path: &[String],
        leaf: &clap::Command,
        arg: &clap::Arg,
        value: &str,
    ) -> Vec<String> {
        let mut argv = vec!["till".to_string(), "--json".into(), "--db".into()];
        argv.push(db.display().to_string());
        argv.extend(path.iter().cloned());
        for other in leaf.get_arguments() {
            if other.get_id() != arg.get_id() && other.is_required_set() {
                argv.extend(words_for(other, "1"));
            }
        }
        for group in leaf.get_groups().filter(|g| g.is_required_set()) {
            let members: Vec<_> = group.get_args().collect();
            if !members.contains(&arg.get_id()) {
                let first = leaf
                    .get_arguments()
                    .find(|a| a.get_id() == members[0])
                    .unwrap();
                argv.extend(words_for(first, "1"));
            }
        }
        argv.extend(words_for(arg, value));
        argv
    }

    /// Runs `argv` as `till` would; None when the parser refused it for a
    /// reason that is not this value (another argument is required unless
    /// a third is given).
    fn run(argv: &[String]) -> Option<till_core::Result<()>> {
        match super::parse_from(argv) {
            Ok(cli) => Some(crate::run::run(cli).map(drop)),
            Err(e)
                if e.kind() == ErrorKind::MissingRequiredArgument
                    && !e.to_string().contains("'-1'") =>
            {
                None
            }
            Err(e) => panic!("the parser refused {}: {e}", argv.join(" ")),
        }
    }

    /// Walks the whole command tree: every argument that takes a value is
    /// given "-1" (with the subcommand's other required arguments filled
    /// in) and the command is run on a real store. The parser must hand
    /// "-1" over as the value, never take it for a flag; and wherever Till
    /// checks the value (it refuses "x" naming the argument), the answer
    /// to "-1" comes from Till: accepted, or refused naming the argument
    /// ("--price: must not be negative"). A flag added later is walked
    /// too, so none can regress.
    #[test]
    fn every_value_may_start_with_a_minus_and_reaches_tills_checks() {
        let dir = tempfile::tempdir().unwrap();
        let template = dir.path().join("template.db");
        let t = |args: &[&str]| {
            let mut argv = vec!["till", "--json", "--db", template.to_str().unwrap()];
            argv.extend_from_slice(args);
            crate::run::run(super::parse_from(argv).unwrap()).unwrap();
        };
        t(&["init"]);
        t(&[
            "product", "add", "--sku", "1", "--name", "One", "--price", "1",
        ]);

        let mut cmd = super::command();
        cmd.build();
        let mut all = Vec::new();
        leaves(vec![], &cmd, &mut all);
        let (mut walked, mut checked) = (0, Vec::new());
        let mut failures = Vec::new();
        for (path, leaf) in &all {
            // These two talk to an upstream (and `login` reads stdin):
            // only the parser is asked; tests/words.rs runs their numbers.
            let networked = path[0] == "sync" && matches!(path[1].as_str(), "login" | "run");
            // These read a new PIN from stdin: only the parser is asked;
            // tests/cli/staff.rs runs them.
            let networked =
                networked || path[0] == "staff" && matches!(path[1].as_str(), "add" | "set-pin");
            // These write the file or folder their --out names (in the
            // working folder): only the parser is asked;
            // tests/cli/backup.rs, tests/cli/pdf_email.rs and
            // tests/cli/export.rs run them.
            let writes = (path[0] == "backup" && path[1] == "create")
                || (matches!(path[0].as_str(), "receipt" | "label") && path[1] == "pdf")
                || (path[0] == "export" && path[1] == "all");
            for arg in leaf
                .get_arguments()
                .filter(|a| takes_value(a) && !a.is_global_set())
            {
                walked += 1;
                let name = arg
                    .get_long()
                    .map(|l| format!("--{l}"))
                    .unwrap_or_else(|| arg.get_id().to_string());
                let fresh = |value: &str| {
                    let db = dir.path().join(format!("run-{walked}-{}.db", value.len()));
                    std::fs::copy(&template, &db).unwrap();
                    argv(&db, path, leaf, arg, value)
                };
                let minus = fresh("-1");
                if networked || writes {
                    if let Err(e) = super::parse_from(&minus) {
                        if e.kind() != ErrorKind::MissingRequiredArgument
                            || e.to_string().contains("'-1'")
                        {
                            failures.push(format!("{}: {e}", minus.join(" ")));
                        }
                    }
                    continue;
                }
                // Does Till check this value? Then "-1" must be answered by
                // that check (or accepted).
                let names_it = |r: &till_core::Result<()>| matches!(r, Err(Error::Invalid { field, .. }) if field.key().contains(arg.get_id().as_str()) || crate::wording::flag(*field).contains(&name));
                let Some(x) = run(&fresh("x")) else { continue };
                let Some(answer) = run(&minus) else { continue };
                if names_it(&x) {
                    match &answer {
                        Ok(()) => checked.push(format!("{} {name}: accepted", path.join(" "))),
                        Err(e @ Error::Invalid { .. }) if names_it(&answer) => {
                            checked.push(format!("{} {name}: {e}", path.join(" ")))
                        }
                        // Past the check, something else stops it (no such
                        // id): Till's answer all the same.
                        Err(e) => checked.push(format!("{} {name}: {e}", path.join(" "))),
                    }
                }
            }
        }
        assert!(walked > 100, "only {walked} arguments found");
        assert!(
            failures.is_empty(),
            "the parser refused -1:\n{}",
            failures.join("\n")
        );
        assert!(
            checked.len() > 40,
            "Till checked only these:\n{}",
            checked.join("\n")
        );
        assert!(
            checked
                .iter()
                .any(|c| c.starts_with("product add --price") && c.contains("must not be negative")),
            "{}",
            checked.join("\n")
        );
    }

    #[test]
    fn negative_numbers_reach_the_fields() {
        let cli = super::parse_from([
            "till", "stock", "adjust", "COF", "--by", "-2", "--reason", "damage",
        ])
        .unwrap();
        match cli.command {
            super::Command::Stock(super::StockCmd::Adjust { by, .. }) => assert_eq!(by, "-2"),
            other => panic!("{other:?}"),
        }
        let cli = super::parse_from([
            "till", "product", "add", "--sku", "A", "--name", "A", "--price", "-1.50",
        ])
        .unwrap();
        match cli.command {
            super::Command::Product(super::ProductCmd::Add(a)) => assert_eq!(a.price, "-1.50"),
            other => panic!("{other:?}"),
        }
        // A missing value is still missing, not a flag taken as the value.
        let e = super::parse_from([
            "till", "product", "add", "--sku", "A", "--name", "A", "--price", "--json",
        ])
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidValue, "{e}");
    }
}
