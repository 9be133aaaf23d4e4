//! `till doctor`: reads every row of every table the way Till reads it and
//! lists each value it cannot read, with the checks SQLite and the stock
//! ledger offer besides.
//!
//! [`COLUMNS`] declares, for every column of every table, how Till reads
//! it; the readers are those of `stored`, so the doctor and the code that
//! sells agree on what "readable" means. A test fails when a migration adds
//! a column this list does not declare. The pricing loaders (rules, flash
//! sales, bundles) are run as well, so a row they leave out of pricing is
//! always listed here.

use std::collections::HashSet;

use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::stored::{self, Damage};

/// How Till reads a column. NULL is accepted wherever the schema allows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    /// 0 or 1.
    Flag,
    Decimal,
    /// RFC 3339.
    Time,
    /// YYYY-MM-DD.
    Date,
    Json,
    TimeZone,
    /// "10%" or "2.50".
    Discount,
    TenderMethod,
    MovementKind,
    TaxMode,
    CommissionStatus,
    /// A closed shift's Z report, as `shifts` keeps it.
    ShiftReport,
    /// A PNG file Till can print (the receipt's logo).
    Png,
    /// Decimals joined by spaces (none for no value).
    Words(&'static [&'static str]),
    /// Raw bytes (a print job's ESC/POS).
    Bytes,
}

use Kind::*;

/// Every column of every table, and how it is read. Settings, sync state
/// and the plan are read by their own loaders (keys with kinds of their own).
pub const COLUMNS: &[(&str, &[(&str, Kind)])] = &[
    ("settings", &[("key", Text), ("value", Text)]),
    (
        "products",
        &[
            ("id", Integer),
            ("sku", Text),
            ("name", Text),
            ("barcode", Text),
            ("price", Decimal),
            ("cost", Decimal),
            ("tax_rate", Decimal),
            ("category", Text),
            ("active", Flag),
            ("created_at", Time),
            ("updated_at", Time),
            ("sell_by", Date),
            ("price_floor", Decimal),
            ("price_ceiling", Decimal),
            ("supplier_id", Integer),
            ("supplier_sku", Text),
            ("reorder_point", Integer),
            ("reorder_qty", Integer),
            ("compare_at_price", Decimal),
        ],
    ),
    (
        "stock_movements",
        &[
            ("id", Integer),
            ("product_id", Integer),
            ("kind", MovementKind),
            ("qty", Integer),
            ("reason", Text),
            ("user", Text),
            ("created_at", Time),
            ("order_id", Text),
            ("refund_id", Text),
            ("po_id", Integer),
            ("count_id", Integer),
        ],
    ),
    (
        "stock_levels",
        &[("product_id", Integer), ("on_hand", Integer)],
    ),
    ("counters", &[("name", Text), ("value", Integer)]),
    (
        "orders",
        &[
            ("id", Text),
            ("number", Text),
            ("idempotency_key", Text),
            ("customer_id", Text),
            ("currency", Text),
            ("tax_mode", TaxMode),
            ("subtotal", Decimal),
            ("discount", Decimal),
            ("tax", Decimal),
            ("total", Decimal),
            ("paid", Decimal),
            ("change", Decimal),
            ("cashier", Text),
            ("created_at", Time),
            ("referral_code", Text),
            ("request", Json),
            ("shift_id", Text),
        ],
    ),
    (
        "order_lines",
        &[
            ("order_id", Text),
            ("line_no", Integer),
            ("product_id", Integer),
            ("sku", Text),
            ("name", Text),
            ("qty", Integer),
            ("unit_price", Decimal),
            ("price_note", Text),
            ("gross", Decimal),
            ("discount", Decimal),
            ("net", Decimal),
            ("tax_rate", Decimal),
            ("tax", Decimal),
            ("total", Decimal),
            ("refunded_qty", Integer),
            ("base_price", Decimal),
            ("unit_cost", Decimal),
            ("flash_sale_id", Integer),
            ("flash_off", Decimal),
            ("member_off", Decimal),
        ],
    ),
    (
        "order_taxes",
        &[
            ("order_id", Text),
            ("rate", Decimal),
            ("base", Decimal),
            ("tax", Decimal),
        ],
    ),
    (
        "payments",
        &[
            ("id", Text),
            ("order_id", Text),
            ("method", TenderMethod),
            ("amount", Decimal),
            ("reference", Text),
            ("created_at", Time),
        ],
    ),
    (
        "refunds",
        &[
            ("id", Text),
            ("order_id", Text),
            ("idempotency_key", Text),
            ("amount", Decimal),
            ("tax", Decimal),
            ("method", TenderMethod),
            ("cashier", Text),
            ("created_at", Time),
            ("request", Json),
            ("shift_id", Text),
        ],
    ),
    (
        "refund_lines",
        &[
            ("refund_id", Text),
            ("line_no", Integer),
            ("qty", Integer),
            ("amount", Decimal),
            ("tax", Decimal),
        ],
    ),
    (
        "carts",
        &[
            ("id", Text),
            ("status", Words(&["open", "completed", "voided"])),
            ("order_discount", Discount),
            ("order_id", Text),
            ("created_at", Time),
            ("updated_at", Time),
            ("customer_id", Text),
            ("referral_code", Text),
        ],
    ),
    (
        "cart_lines",
        &[
            ("id", Integer),
            ("cart_id", Text),
            ("product_id", Integer),
            ("qty", Integer),
            ("unit_price", Decimal),
            ("price_note", Text),
            ("discount", Discount),
            ("added_at", Time),
            ("price_override", Flag),
            ("base_price", Decimal),
            ("flash_sale_id", Integer),
            ("flash_off", Decimal),
            ("member_off", Decimal),
        ],
    ),
    (
        "outbox",
        &[
            ("seq", Integer),
            ("id", Text),
            ("type", Text),
            ("occurred_at", Time),
            ("payload", Json),
            ("sent_at", Time),
            ("attempts", Integer),
            ("dead_reason", Text),
            ("dead_at", Time),
            ("discarded_at", Time),
        ],
    ),
    (
        "pricing_rules",
        &[
            ("id", Integer),
            ("position", Integer),
            (
                "condition",
                Words(&["stock_below", "stock_above", "within_days_of_sell_by"]),
            ),
            ("threshold", Integer),
            ("effect", Words(&["multiplier", "amount"])),
            ("value", Decimal),
            ("scope", Words(&["all", "category", "sku"])),
            ("scope_value", Text),
            ("hysteresis", Integer),
            ("created_at", Time),
        ],
    ),
    (
        "rule_latches",
        &[("rule_id", Integer), ("product_id", Integer)],
    ),
    (
        "flash_sales",
        &[
            ("id", Integer),
            ("name", Text),
            ("effect", Words(&["multiplier", "price"])),
            ("value", Decimal),
            ("starts_at", Time),
            ("ends_at", Time),
            ("weekly", Flag),
            ("time_zone", TimeZone),
            ("cancelled_at", Time),
            ("created_at", Time),
            ("updated_at", Time),
        ],
    ),
    (
        "flash_sale_targets",
        &[
            ("flash_sale_id", Integer),
            ("kind", Words(&["sku", "category"])),
            ("value", Text),
        ],
    ),
    ("sync_state", &[("key", Text), ("value", Text)]),
    (
        "bundles",
        &[
            ("id", Integer),
            ("name", Text),
            ("percent_off", Decimal),
            ("price", Decimal),
            ("valid_from", Time),
            ("valid_until", Time),
            ("active", Flag),
            ("source", Words(&["manual", "suggestion"])),
            ("created_at", Time),
            ("updated_at", Time),
        ],
    ),
    (
        "bundle_items",
        &[
            ("bundle_id", Integer),
            ("product_id", Integer),
            ("qty", Integer),
        ],
    ),
    (
        "bundle_dismissals",
        &[("items_key", Text), ("dismissed_at", Time)],
    ),
    (
        "order_bundles",
        &[
            ("order_id", Text),
            ("bundle_id", Integer),
            ("name", Text),
            ("times", Integer),
            ("discount", Decimal),
        ],
    ),
    (
        "kit_components",
        &[
            ("kit_id", Integer),
            ("component_id", Integer),
            ("qty", Integer),
        ],
    ),
    (
        "customers",
        &[
            ("id", Text),
            ("kind", Words(&["customer", "affiliate"])),
            ("name", Text),
            ("email", Text),
            ("phone", Text),
            ("notes", Text),
            ("active", Flag),
            ("referred_by", Text),
            ("referral_code", Text),
            ("window_starts_at", Time),
            ("created_at", Time),
            ("updated_at", Time),
        ],
    ),
    (
        "referral_codes",
        &[
            ("code", Text),
            ("referrer_id", Text),
            ("active", Flag),
            ("expires_at", Time),
            ("retired", Text),
            ("created_at", Time),
        ],
    ),
    (
        "referral_program",
        &[
            ("id", Integer),
            ("percent", Decimal),
            ("amount", Decimal),
            ("window_days", Integer),
            ("return_days", Integer),
            ("updated_at", Time),
        ],
    ),
    (
        "shifts",
        &[
            ("id", Text),
            ("device_id", Text),
            ("opened_by", Text),
            ("opened_at", Time),
            ("float", Decimal),
            ("closed_by", Text),
            ("closed_at", Time),
            ("counted", Decimal),
            ("report", ShiftReport),
        ],
    ),
    (
        "suppliers",
        &[
            ("id", Integer),
            ("name", Text),
            ("contact", Text),
            ("email", Text),
            ("phone", Text),
            ("lead_days", Integer),
            ("created_at", Time),
            ("updated_at", Time),
        ],
    ),
    (
        "product_imports",
        &[
            ("id", Integer),
            ("file_name", Text),
            ("format", Words(&["shopify", "till"])),
            ("created", Integer),
            ("updated", Integer),
            ("unchanged", Integer),
            ("user", Text),
            ("created_at", Time),
        ],
    ),
    (
        "purchase_orders",
        &[
            ("id", Integer),
            ("number", Text),
            ("supplier_id", Integer),
            (
                "status",
                Words(&["draft", "sent", "partly_received", "received", "cancelled"]),
            ),
            ("note", Text),
            ("created_by", Text),
            ("created_at", Time),
            ("updated_at", Time),
        ],
    ),
    (
        "po_lines",
        &[
            ("id", Integer),
            ("po_id", Integer),
            ("product_id", Integer),
            ("qty", Integer),
            ("unit_cost", Decimal),
            ("received", Integer),
        ],
    ),
    (
        "stock_counts",
        &[
            ("id", Integer),
            ("scope", Words(&["all", "category", "list"])),
            ("category", Text),
            ("status", Words(&["open", "committed", "cancelled"])),
            ("started_by", Text),
            ("started_at", Time),
            ("closed_at", Time),
        ],
    ),
    (
        "count_lines",
        &[
            ("count_id", Integer),
            ("product_id", Integer),
            ("counted", Integer),
            ("expected", Integer),
            ("counted_at", Time),
        ],
    ),
    (
        "print_jobs",
        &[
            ("id", Integer),
            ("kind", Words(&["receipt", "label", "test", "drawer"])),
            ("order_ref", Text),
            ("bytes", Bytes),
            ("destination", Text),
            ("state", Words(&["queued", "sent", "failed"])),
            ("attempts", Integer),
            ("last_error", Text),
            ("next_attempt_at", Time),
            ("created_at", Time),
            ("sent_at", Time),
        ],
    ),
    (
        "shift_cash",
        &[
            ("id", Integer),
            ("shift_id", Text),
            ("kind", Words(&["in", "out"])),
            ("amount", Decimal),
            ("reason", Text),
            ("cashier", Text),
            ("created_at", Time),
        ],
    ),
    (
        "smtp_settings",
        &[
            ("id", Integer),
            ("host", Text),
            ("port", Integer),
            ("security", Words(&["starttls", "tls", "none"])),
            ("username", Text),
            ("from_address", Text),
            ("updated_at", Time),
        ],
    ),
    (
        "email_jobs",
        &[
            ("id", Integer),
            ("reference", Text),
            ("recipient", Text),
            ("state", Words(&["queued", "sent", "failed"])),
            ("attempts", Integer),
            ("last_error", Text),
            ("next_attempt_at", Time),
            ("created_at", Time),
            ("sent_at", Time),
        ],
    ),
    (
        "report_rollup",
        &[
            ("dim", Text),
            ("day", Date),
            ("hour", Integer),
            ("key", Text),
            ("orders", Integer),
            ("items", Integer),
            ("gross", Integer),
            ("discounts", Integer),
            ("refunds", Integer),
            ("tax", Integer),
            ("refund_tax", Integer),
            ("cost", Integer),
            ("base", Integer),
            ("tax_included", Integer),
            ("estimated", Integer),
        ],
    ),
    (
        "report_state",
        &[
            ("id", Integer),
            ("time_zone", Text),
            ("orders_upto", Integer),
            ("refunds_upto", Integer),
        ],
    ),
    (
        "settings_changes",
        &[
            ("id", Integer),
            ("changed_at", Time),
            ("changed_by", Text),
            ("key", Text),
            ("old_value", Text),
            ("new_value", Text),
        ],
    ),
    (
        "staff",
        &[
            ("id", Text),
            ("name", Text),
            // owner, manager or cashier: the table's CHECK refuses others.
            ("role", Text),
            ("pin_hash", Text),
            ("active", Flag),
            ("failed_attempts", Integer),
            ("locked_until", Time),
            ("created_at", Time),
            ("updated_at", Time),
        ],
    ),
    (
        "audit_log",
        &[
            ("seq", Integer),
            ("at", Time),
            ("actor", Text),
            ("approver", Text),
            ("action", Text),
            ("subject", Text),
            ("detail", Json),
            ("prev_hash", Text),
            ("hash", Text),
        ],
    ),
    (
        "payouts",
        &[
            ("id", Text),
            ("referrer_id", Text),
            ("amount", Decimal),
            ("method", Text),
            ("reference", Text),
            ("paid_at", Time),
            ("cashier", Text),
        ],
    ),
    (
        "commissions",
        &[
            ("id", Text),
            ("kind", Words(&["accrual", "reversal"])),
            ("referrer_id", Text),
            ("order_id", Text),
            ("refund_id", Text),
            ("reverses", Text),
            ("customer_id", Text),
            ("code", Text),
            ("basis", Decimal),
            ("rate", Text),
            ("amount", Decimal),
            ("status", CommissionStatus),
            ("payout_id", Text),
            ("created_at", Time),
            ("approved_at", Time),
            ("paid_at", Time),
        ],
    ),
    (
        "plan_state",
        &[
            ("id", Integer),
            ("tiers_doc", Json),
            ("license", Json),
            ("billing_day", Integer),
            ("updated_at", Time),
        ],
    ),
    (
        "usage_records",
        &[
            ("id", Text),
            ("metric", Text),
            ("quantity", Decimal),
            ("occurred_at", Time),
            ("source", Words(&["till", "owner"])),
        ],
    ),
    (
        "membership_tiers",
        &[
            ("id", Text),
            ("name", Text),
            ("fee_monthly", Decimal),
            ("discount_percent", Decimal),
            ("doc", Json),
            ("created_at", Time),
        ],
    ),
    (
        "memberships",
        &[
            ("customer_id", Text),
            ("tier_id", Text),
            ("since", Time),
            ("until", Date),
        ],
    ),
    (
        "receipt_logo",
        &[
            ("id", Integer),
            ("png", Png),
            ("width_px", Integer),
            ("height_px", Integer),
            ("updated_at", Time),
        ],
    ),
];

fn not_a(row: &rusqlite::Row, idx: usize, v: ValueRef<'_>, problem: &str) -> rusqlite::Error {
    let v = stored::value_text(v);
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        rusqlite::types::Type::Integer,
        Box::new(stored::damage_at(row, idx, &v, problem)),
    )
}

/// Reads column `idx` of `row` as `kind`; `Err` holds the damage.
fn check(row: &rusqlite::Row, idx: usize, kind: Kind) -> rusqlite::Result<()> {
    if matches!(row.get_ref(idx)?, ValueRef::Null) {
        return Ok(());
    }
    match kind {
        Text => stored::text(row, idx).map(drop),
        Integer => match row.get_ref(idx)? {
            ValueRef::Integer(_) => Ok(()),
            v => Err(not_a(row, idx, v, "which is not a whole number")),
        },
        Flag => match row.get_ref(idx)? {
            ValueRef::Integer(0 | 1) => Ok(()),
            v => Err(not_a(row, idx, v, "which is neither 0 nor 1")),
        },
        Decimal => stored::decimal(row, idx).map(drop),
        Time => stored::time(row, idx).map(drop),
        Date => stored::opt_date(row, idx).map(drop),
        Json => stored::parse_with(row, idx, crate::outbox::parse_payload).map(drop),
        TimeZone => stored::parse_with(row, idx, |t| {
            t.parse::<chrono_tz::Tz>()
                .map(|_| ())
                .map_err(|_| "which is not a time zone".into())
        }),
        Discount => stored::parse_with(row, idx, crate::totals::Discount::from_text).map(drop),
        TenderMethod => stored::enum_col::<crate::checkout::TenderMethod>(row, idx).map(drop),
        MovementKind => stored::enum_col::<crate::inventory::MovementKind>(row, idx).map(drop),
        TaxMode => stored::enum_col::<crate::tax::TaxMode>(row, idx).map(drop),
        CommissionStatus => {
            stored::enum_col::<crate::referrals::CommissionStatus>(row, idx).map(drop)
        }
        ShiftReport => stored::parse_with(row, idx, crate::shifts::parse_report).map(drop),
        Bytes => match row.get_ref(idx)? {
            ValueRef::Blob(_) => Ok(()),
            v => Err(not_a(row, idx, v, "which is not bytes")),
        },
        Png => match row.get_ref(idx)? {
            ValueRef::Blob(b) if crate::receipt::printable_png(b) => Ok(()),
            v => Err(not_a(
                row,
                idx,
                v,
                "which is not a PNG image Till can print",
            )),
        },
        Words(words) => stored::parse_with(row, idx, |w| {
            if words.contains(&w) {
                Ok(())
            } else {
                Err(format!("which is not one of {}", words.join(", ")))
            }
        }),
    }
}

/// Every value of every declared table that Till cannot read.
pub fn damaged_values(conn: &Connection) -> Result<Vec<Damage>> {
    let mut out = Vec::new();
    for (table, columns) in COLUMNS {
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
            [table],
            |r| r.get(0),
        )?;
        if !exists {
            continue;
        }
        let names: Vec<String> = columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
        let mut stmt = conn.prepare(&format!("SELECT {} FROM \"{table}\"", names.join(", ")))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            for (i, (_, kind)) in columns.iter().enumerate() {
                if let Err(e) = check(row, i, *kind) {
                    match crate::Error::from(e) {
                        crate::Error::Damaged(d) => out.push(d),
                        e => return Err(e),
                    }
                }
            }
        }
    }
    Ok(out)
}

/// What the doctor found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Report {
    /// SQLite's own check: "ok" when the file is sound.
    pub integrity: String,
    /// Products whose cached on-hand differs from the ledger.
    pub stock_drift: Vec<StockDrift>,
    /// Values Till cannot read, each with its table, row and column.
    pub damaged: Vec<Damage>,
    /// Scan codes that name two products (a SKU equal to another
    /// product's barcode): a scan would find only one of them.
    pub code_clashes: Vec<CodeClash>,
}

impl Report {
    pub fn is_healthy(&self) -> bool {
        self.integrity == "ok"
            && self.stock_drift.is_empty()
            && self.damaged.is_empty()
            && self.code_clashes.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct StockDrift {
    pub sku: String,
    pub cached: i64,
    pub ledger: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CodeClash {
    pub code: String,
    /// The product whose SKU it is.
    pub sku_of: String,
    /// The product whose barcode it is.
    pub barcode_of: String,
}

/// Examines the store on `conn` without changing it.
pub fn examine(conn: &Connection) -> Result<Report> {
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    let mut damaged = damaged_values(conn)?;
    // Settings are keys with kinds of their own: read them as Till does.
    if let Err(crate::Error::Damaged(d)) = crate::settings::Settings::load(conn) {
        damaged.push(d);
    }
    // The pricing loaders: whatever they leave out of pricing is listed.
    damaged.extend(crate::pricing::rules::load_rules(conn)?.1);
    damaged.extend(crate::pricing::flash::load_all_sales(conn)?.1);
    damaged.extend(crate::bundles::load_active(conn)?.1);
    // The plan's signed documents, verified as Till verifies them.
    damaged.extend(crate::plans::stored_damage(conn)?);
    let mut seen = HashSet::new();
    damaged.retain(|d| seen.insert((d.table.clone(), d.row.clone(), d.column.clone())));
    let stock_drift = conn
        .prepare(
            "SELECT p.sku, COALESCE(s.on_hand, 0), COALESCE((SELECT SUM(qty) FROM stock_movements m WHERE m.product_id = p.id), 0) AS ledger
             FROM products p LEFT JOIN stock_levels s ON s.product_id = p.id
             WHERE COALESCE(s.on_hand, 0) <> ledger",
        )?
        .query_map([], |r| {
            Ok(StockDrift {
                sku: r.get(0)?,
                cached: r.get(1)?,
                ledger: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let code_clashes = conn
        .prepare(
            "SELECT a.sku, a.sku, b.sku FROM products a JOIN products b ON b.barcode = a.sku AND b.id <> a.id
             ORDER BY a.sku",
        )?
        .query_map([], |r| {
            Ok(CodeClash {
                code: r.get(0)?,
                sku_of: r.get(1)?,
                barcode_of: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Report {
        integrity,
        stock_drift,
        damaged,
        code_clashes,
    })
}

/// Examines the store file at `path` through a read-only connection: for a
/// store that does not open because its settings cannot be read.
pub fn examine_file(path: &std::path::Path) -> Result<Report> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    examine(&conn)
}

impl crate::Store {
    /// `till doctor` on this store.
    pub fn doctor(&self) -> Result<Report> {
        self.require(crate::roles::Permission::ManageSettings)?;
        examine(&self.conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column of every table in the schema is declared, so a new
    /// column cannot escape the doctor.
    #[test]
    fn every_column_is_declared() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::create(
            dir.path().join("t.db"),
            crate::settings::Settings::default(),
        )
        .unwrap();
        let conn = store.connection();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut missing = Vec::new();
        for t in &tables {
            let declared = COLUMNS.iter().find(|(name, _)| name == t).map(|(_, c)| *c);
            let cols: Vec<String> = conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            for c in cols {
                if !declared.is_some_and(|d| d.iter().any(|(n, _)| *n == c)) {
                    missing.push(format!("{t}.{c}"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "columns the doctor does not read: {missing:?}"
        );
        for (t, cols) in COLUMNS {
            assert!(
                tables.contains(&t.to_string()),
                "{t} is declared but not in the schema"
            );
            let _ = cols;
        }
    }
}
