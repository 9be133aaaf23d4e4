//! The names of the inputs Till checks, as the core knows them: neutral
//! words (`price`, `multiplier`, `method`), never a front end's syntax.
//! An `Error::Invalid` carries one, and each front end words it its own
//! way: the CLI as its flag (`--price`), the window as its form label
//! ("Price"). Imports nothing, so every module may name a field.

macro_rules! fields {
    ($($(#[$doc:meta])* $variant:ident => $key:literal,)*) => {
        /// One input a user gives, named neutrally.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Field {
            $($(#[$doc])* $variant,)*
        }

        impl Field {
            /// Every field, for front ends to check they word each one.
            pub const ALL: &'static [Field] = &[$(Field::$variant),*];

            /// The field's neutral name in snake case: `tax_rate`.
            pub const fn key(self) -> &'static str {
                match self {
                    $(Field::$variant => $key,)*
                }
            }
        }
    };
}

fields! {
    // Products and stock.
    Sku => "sku",
    /// A SKU or a barcode, as scanned or typed.
    Code => "code",
    Name => "name",
    Price => "price",
    Cost => "cost",
    Barcode => "barcode",
    TaxRate => "tax_rate",
    Category => "category",
    /// Opening stock of a new product.
    Stock => "stock",
    SellBy => "sell_by",
    /// The lowest price dynamic pricing may set for a product.
    Floor => "floor",
    /// The highest price, as a multiple of the base price.
    Ceiling => "ceiling",
    /// The units a stock adjustment adds (negative: removes).
    Adjustment => "adjustment",
    Reason => "reason",
    Note => "note",
    // Sales, carts, refunds.
    /// One item of a sale or refund, in the item grammar (`SKUx3`, `3*SKU`).
    Item => "item",
    Items => "items",
    Quantity => "quantity",
    OrderDiscount => "order_discount",
    LineDiscount => "line_discount",
    /// How a payment is made: cash or card.
    Method => "method",
    /// One payment (tender) of a sale.
    Payment => "payment",
    Reference => "reference",
    /// An idempotency key.
    Key => "key",
    Customer => "customer",
    Referral => "referral",
    Limit => "limit",
    // Shifts.
    /// The cash in the drawer when a shift opens.
    Float => "float",
    /// The cash counted in the drawer when a shift closes.
    Counted => "counted",
    /// Cash put into the drawer or taken out of it during a shift.
    CashAmount => "cash_amount",
    // Pricing rules and flash sales.
    Condition => "condition",
    WhenStockBelow => "when_stock_below",
    WhenStockAbove => "when_stock_above",
    WithinDaysOfSellBy => "within_days_of_sell_by",
    Effect => "effect",
    Multiplier => "multiplier",
    Amount => "amount",
    Scope => "scope",
    Hysteresis => "hysteresis",
    /// The products a flash sale covers (SKUs and categories).
    Products => "products",
    Start => "start",
    End => "end",
    Weekly => "weekly",
    // Times and periods.
    At => "at",
    From => "from",
    Until => "until",
    To => "to",
    Period => "period",
    /// What a report's rows are by (day, product, ...).
    By => "by",
    /// The period a report is compared with.
    Compare => "compare",
    // Bundles, kits, mining.
    PercentOff => "percent_off",
    /// A kit's components.
    Components => "components",
    Format => "format",
    /// The mining thresholds (support, confidence).
    Thresholds => "thresholds",
    MinSupport => "min_support",
    MinConfidence => "min_confidence",
    MaxLen => "max_len",
    /// A file of baskets to mine.
    BasketFile => "basket_file",
    Mining => "mining",
    // Customers and referrals.
    Email => "email",
    Phone => "phone",
    Notes => "notes",
    Percent => "percent",
    WindowDays => "window_days",
    ReturnDays => "return_days",
    Expires => "expires",
    Status => "status",
    ReferralCode => "referral_code",
    // Plans, usage, memberships.
    License => "license",
    TiersDocument => "tiers_document",
    /// A signing key (the vendor's tool).
    SigningKey => "signing_key",
    Metric => "metric",
    BillingDay => "billing_day",
    Fee => "fee",
    /// The discount a membership tier gives its members, in percent.
    MemberDiscount => "member_discount",
    Tier => "tier",
    /// A document of membership tiers.
    MembershipTiers => "membership_tiers",
    // Settings and the store.
    StoreName => "store_name",
    Currency => "currency",
    TaxMode => "tax_mode",
    TimeZone => "time_zone",
    Locale => "locale",
    /// The store-wide default ceiling (a multiple of the base price).
    PriceCeiling => "price_ceiling",
    User => "user",
    /// The shop's address, as printed on receipts.
    Address => "address",
    /// The shop's tax or VAT number.
    TaxId => "tax_id",
    BackupDir => "backup_dir",
    BackupEveryHours => "backup_every_hours",
    BackupKeep => "backup_keep",
    UpdateCheck => "update_check",
    /// Where the app looks for new versions.
    UpdateEndpoint => "update_endpoint",
    /// The discount (percent of the line or the order) above which a
    /// manager's permission is needed.
    DiscountApprovalPct => "discount_approval_pct",
    /// Idle minutes before the window locks (0: never).
    IdleLockMinutes => "idle_lock_minutes",
    // Receipts and labels.
    ReceiptHeader => "receipt_header",
    ReceiptFooter => "receipt_footer",
    Logo => "logo",
    Width => "width",
    Copies => "copies",
    // Printing.
    /// Where receipts print (`file:PATH`, `tcp:HOST:PORT`, `device:PATH`).
    Printer => "printer",
    /// The printer's character table (cp437, cp858).
    Codepage => "codepage",
    /// Whether a cash sale opens the drawer.
    Drawer => "drawer",
    /// Whether each sale prints its receipt.
    AutoPrint => "auto_print",
    /// The receipt choice of a sale (print, none, auto, email).
    Receipt => "receipt",
    // PDF and email receipts.
    /// The address a receipt is emailed to.
    Recipient => "recipient",
    /// The outgoing mail server's host name.
    SmtpHost => "smtp_host",
    SmtpPort => "smtp_port",
    /// How the connection to the mail server is secured: starttls, tls or none.
    SmtpSecurity => "smtp_security",
    /// The user name the mail server knows the shop by.
    SmtpUser => "smtp_user",
    /// The paper a PDF receipt is laid out for (80 mm roll or A4).
    Paper => "paper",
    // Staff.
    /// A staff member's role.
    Role => "role",
    /// A staff member's PIN.
    Pin => "pin",
    /// The first-run choice of catalog (empty or demo).
    Catalog => "catalog",
    /// The upstream a device syncs with.
    Endpoint => "endpoint",
    /// A device token for the upstream.
    Token => "token",
    /// Seconds to wait for one request, for a whole run, between retries.
    Timeout => "timeout",
    Deadline => "deadline",
    MaxBackoff => "max_backoff",
    /// The store file.
    Db => "db",
    // Demo data.
    Seed => "seed",
    Count => "count",
    /// How many orders a bulk history makes.
    Orders => "orders",
    /// Over how many days a bulk history spreads them.
    Days => "days",
    /// A record's id.
    Id => "id",
    /// A feature of a plan.
    Feature => "feature",
    // Suppliers, purchase orders, stock counts, catalog files.
    Supplier => "supplier",
    /// The supplier's own code for a product.
    SupplierSku => "supplier_sku",
    /// Reorder when on-hand is at or below this.
    ReorderPoint => "reorder_point",
    /// The least a reorder suggestion orders.
    ReorderQty => "reorder_qty",
    /// Days from ordering to the delivery on the shelf.
    LeadDays => "lead_days",
    /// Days of sales a reorder should cover, beyond the lead time.
    CoverDays => "cover_days",
    /// Shopify's "compare at" (was) price.
    CompareAtPrice => "compare_at_price",
    Contact => "contact",
    /// A file given to read (a catalog to import).
    File => "file",
    /// A file to write.
    Out => "out",
}

impl Field {
    /// The neutral words for the field ("tax rate"), for messages no
    /// front end has reworded.
    pub fn words(self) -> String {
        self.key().replace('_', " ")
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.words())
    }
}

#[cfg(test)]
mod tests {
    use super::Field;

    #[test]
    fn keys_are_neutral_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for f in Field::ALL {
            let k = f.key();
            assert!(seen.insert(k), "{k} twice");
            assert!(
                k.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{k} is not a neutral snake-case name"
            );
            // Serialized (for a front end that words it itself), it is its key.
            assert_eq!(serde_json::to_value(f).unwrap(), k, "{f:?}");
        }
    }
}
