//! Human-readable output. JSON output is the serde form of the same values.

use std::fmt::Write;

use till_core::bundles::{Bundle, BundleOffer, Companion, Suggestions};
use till_core::catalog::Product;
use till_core::inventory::Movement;
use till_core::kits::Kit;
use till_core::money::Currency;
use till_core::orders::{OrderSummary, Receipt, Refund};
use till_core::pricing::flash::FlashSaleView;
use till_core::pricing::{Quote, Rule, Scope};
use till_core::setting_changes::SettingChange;
use till_core::settings::Settings;

use crate::human::{words, Human};

pub fn product(p: &Product, h: &Human) -> String {
    let mut rows: Vec<(&str, String)> = vec![("price", h.money(p.price))];
    if let Some(c) = p.cost {
        rows.push(("cost", h.money(c)));
    }
    if let Some(c) = p.compare_at_price {
        rows.push(("compare at", h.money(c)));
    }
    rows.push(("tax", format!("{}%", p.tax_rate)));
    if let Some(b) = &p.barcode {
        rows.push(("barcode", b.clone()));
    }
    if let Some(c) = &p.category {
        rows.push(("category", c.clone()));
    }
    rows.push(("on hand", p.on_hand.to_string()));
    if let Some(v) = &p.supplier {
        rows.push(("supplier", v.clone()));
    }
    if let Some(v) = &p.supplier_sku {
        rows.push(("supplier SKU", v.clone()));
    }
    if let Some(q) = p.reorder_point {
        rows.push(("reorder point", q.to_string()));
    }
    if let Some(q) = p.reorder_qty {
        rows.push(("reorder qty", q.to_string()));
    }
    let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let mut s = String::new();
    let _ = writeln!(s, "{}  {}", p.sku, p.name);
    for (label, value) in rows {
        let _ = writeln!(s, "  {label:<width$}  {value}");
    }
    if !p.active {
        let _ = writeln!(s, "  inactive");
    }
    s
}

pub fn products(list: &[Product], h: &Human) -> String {
    if list.is_empty() {
        return "no products".into();
    }
    let mut s = format!(
        "{:<14} {:<32} {:>10} {:>6} {:>8}  {}\n",
        "SKU",
        "NAME",
        format!("PRICE {}", h.code()),
        "TAX%",
        "ON HAND",
        "CATEGORY"
    );
    for p in list {
        let _ = writeln!(
            s,
            "{:<14} {:<32} {:>10} {:>6} {:>8}  {}{}",
            p.sku,
            truncate(&p.name, 32),
            p.price,
            p.tax_rate,
            p.on_hand,
            p.category.as_deref().unwrap_or(""),
            if p.active { "" } else { " (inactive)" }
        );
    }
    s
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

pub fn movements(list: &[Movement], h: &Human) -> String {
    let mut s = String::new();
    for m in list {
        let _ = writeln!(
            s,
            "{}  {:<10} {:>+6}  {}  {}",
            h.time(&m.created_at),
            words(&m.kind),
            m.qty,
            m.user,
            m.reason.as_deref().or(m.order_id.as_deref()).unwrap_or("")
        );
    }
    if s.is_empty() {
        s = "no movements".into();
    }
    s
}

/// A receipt: its lines and totals bare, as on paper, the TOTAL line with
/// the currency.
pub fn receipt(r: &Receipt, h: &Human) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Receipt {}   {}", r.number, h.time(&r.created_at));
    if r.status != till_core::orders::OrderStatus::Completed {
        let _ = writeln!(s, "  {}", words(&r.status));
    }
    for l in &r.lines {
        let _ = writeln!(
            s,
            "  {:>3} x {:<28} {:>9} {:>10}",
            l.qty,
            truncate(&l.name, 28),
            l.unit_price,
            l.total
        );
        if let Some(note) = &l.price_note {
            let _ = writeln!(s, "        {note}");
        }
        if l.refunded_qty > 0 {
            let _ = writeln!(s, "        refunded {}", l.refunded_qty);
        }
    }
    let _ = writeln!(s, "  {:<40} {:>10}", "Subtotal", r.subtotal);
    for b in &r.bundles {
        let label = if b.times > 1 {
            format!("Bundle {} x{}", b.name, b.times)
        } else {
            format!("Bundle {}", b.name)
        };
        let _ = writeln!(
            s,
            "  {:<40} {:>10}",
            truncate(&label, 40),
            format!("-{}", b.discount)
        );
    }
    if !r.discount.is_zero() {
        let label = if r.bundles.is_empty() {
            "Discount"
        } else {
            "Discount (all)"
        };
        let _ = writeln!(s, "  {:<40} {:>10}", label, format!("-{}", r.discount));
    }
    for t in &r.taxes {
        let label = if r.tax_mode == till_core::tax::TaxMode::Inclusive {
            format!("incl. tax {}% on {}", t.rate, t.base)
        } else {
            format!("Tax {}% on {}", t.rate, t.base)
        };
        let _ = writeln!(s, "  {:<40} {:>10}", label, t.tax);
    }
    let _ = writeln!(s, "  {:<40} {:>10} {}", "TOTAL", r.total, r.currency);
    for p in &r.payments {
        let _ = writeln!(
            s,
            "  {:<40} {:>10}",
            format!(
                "Paid {}{}",
                words(&p.method),
                p.reference
                    .as_ref()
                    .map(|x| format!(" ({x})"))
                    .unwrap_or_default()
            ),
            p.amount
        );
    }
    let _ = writeln!(s, "  {:<40} {:>10}", "Change", r.change);
    for f in &r.refunds {
        let _ = writeln!(
            s,
            "  Refund {} in {}: {}",
            h.time(&f.created_at),
            words(&f.method),
            h.money(f.amount)
        );
    }
    let _ = writeln!(s, "  order id {}", r.id);
    s
}

pub fn refund(r: &Refund, h: &Human) -> String {
    let mut s = format!(
        "Refund {} for {}: {} back in {}\n",
        r.receipt_number,
        r.number,
        h.money(r.amount),
        words(&r.method)
    );
    for l in &r.lines {
        let _ = writeln!(s, "  {} x {}  {}", l.qty, l.sku, l.amount);
    }
    s
}

pub fn orders(list: &[OrderSummary], h: &Human) -> String {
    if list.is_empty() {
        return "no orders".into();
    }
    let mut s = String::new();
    for o in list {
        let _ = writeln!(
            s,
            "{}  {}  {:>3} items  {:>14}  {}",
            o.number,
            h.time(&o.created_at),
            o.items,
            h.money(o.total),
            words(&o.status)
        );
    }
    s
}

pub fn quote(q: &Quote, h: &Human) -> String {
    let mut s = format!(
        "{}  {}: {} (base {}, {} on hand)\n",
        q.sku,
        q.name,
        h.money(q.price),
        h.money(q.base_price),
        q.on_hand
    );
    for a in &q.adjustments {
        let _ = writeln!(
            s,
            "  {:<12} {:<40} {:>14}",
            words(&a.source),
            a.description,
            h.change(a.effect)
        );
    }
    s
}

pub fn settings(st: &Settings) -> String {
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
    format!(
        "store       {}\naddress     {}\ntax id      {}\ncurrency    {} ({} decimals)\nlocale      {}\ntime zone   {}\ntax mode    {}\ndefault tax {}\nneg. stock  {}\nreorder     to cover {} days beyond the lead time\nbackups     every {} h, keep {}, in {}\nupdates     {}{}\nstaff       discounts above {}% need a manager, idle lock {}, shifts {}\ndevice      {} ({})\nstore id    {}\n",
        st.store_name,
        or_none(&st.shop_address).replace('\n', ", "),
        or_none(&st.tax_id),
        st.currency.code,
        st.currency.minor_units,
        st.locale,
        st.time_zone,
        st.tax_mode,
        st.default_tax_rate.map(|r| format!("{r}%")).unwrap_or_else(|| "none".into()),
        if st.allow_negative_stock { "allowed" } else { "refused" },
        st.reorder_cover_days,
        st.backup_every_hours,
        st.backup_keep,
        st.backup_dir.as_deref().unwrap_or("a backups folder beside the store"),
        if st.update_check { "checked at start" } else { "not checked" },
        st.update_endpoint.as_deref().map(|u| format!(", from {u}")).unwrap_or_default(),
        st.discount_approval_pct,
        match st.idle_lock_minutes {
            0 => "never".to_string(),
            m => format!("after {m} min"),
        },
        if st.require_shift { "required for sales" } else { "optional" },
        st.device_prefix,
        st.device_id,
        st.store_id
    )
}

pub fn settings_changes(changes: &[SettingChange], h: &Human) -> String {
    if changes.is_empty() {
        return "no settings changed yet\n".into();
    }
    let shown = |v: &Option<String>| match v {
        Some(v) => format!("{v:?}"),
        None => "(none)".into(),
    };
    changes
        .iter()
        .map(|c| {
            format!(
                "{}  {}  {}: {} -> {}\n",
                h.moment(c.changed_at),
                c.changed_by,
                c.key,
                shown(&c.old),
                shown(&c.new)
            )
        })
        .collect()
}

pub fn rule(r: &Rule, c: &Currency) -> String {
    let scope = match &r.scope {
        Scope::All => "all products".to_string(),
        Scope::Category(cat) => format!("category {cat}"),
        Scope::Sku(s) => format!("SKU {s}"),
    };
    let h = if r.hysteresis > 0 {
        format!(" (hysteresis {})", r.hysteresis)
    } else {
        String::new()
    };
    format!("{} for {scope}{h}", r.describe(c))
}

pub fn flash(v: &FlashSaleView, h: &Human) -> String {
    let s = &v.sale;
    let targets: Vec<String> = s
        .skus
        .iter()
        .map(|x| format!("SKU {x}"))
        .chain(s.categories.iter().map(|x| format!("category {x}")))
        .collect();
    let effect = match s.effect {
        till_core::pricing::FlashEffect::Multiplier(m) => format!("x{}", m.normalize()),
        till_core::pricing::FlashEffect::Price(p) => format!("at {}", h.money(p)),
    };
    let window = match (&v.window_start, &v.window_end) {
        (Some(a), Some(b)) => format!("{} .. {}", h.time(a), h.time(b)),
        _ => format!("{} .. {}", h.moment(s.starts_at), h.moment(s.ends_at)),
    };
    format!(
        "{:>4}  {:<24} {:<9} {:<10} {}{}\n      {}\n",
        s.id,
        s.name,
        words(&v.status),
        effect,
        window,
        if s.weekly { " weekly" } else { "" },
        targets.join(", ")
    )
}

pub fn bundle(b: &Bundle, h: &Human) -> String {
    let mut s = String::new();
    let offer = match &b.offer {
        BundleOffer::PercentOff(p) => format!("{p}% off"),
        BundleOffer::Price(p) => format!("{} per set", h.money(*p)),
    };
    let status = match (b.active, b.live) {
        (false, _) => " (inactive)",
        (true, false) => " (outside its window)",
        _ => "",
    };
    let _ = writeln!(s, "bundle {}: {}  {offer}{status}", b.id, b.name);
    for i in &b.items {
        let _ = writeln!(
            s,
            "  {:>3} x {:<14} {:<28} {:>13}",
            i.qty,
            i.sku,
            truncate(&i.name, 28),
            h.money(i.unit_price)
        );
    }
    let _ = writeln!(
        s,
        "  regular {}  bundle {}",
        h.money(b.regular_price),
        h.money(b.bundle_price)
    );
    if b.valid_from.is_some() || b.valid_until.is_some() {
        let _ = writeln!(
            s,
            "  valid {} .. {}",
            h.time_or(b.valid_from.as_deref(), "always"),
            h.time_or(b.valid_until.as_deref(), "open-ended")
        );
    }
    s
}

pub fn bundles(list: &[Bundle], h: &Human) -> String {
    if list.is_empty() {
        return "no bundles".into();
    }
    list.iter()
        .map(|b| bundle(b, h))
        .collect::<Vec<_>>()
        .join("")
}

pub fn suggestions(r: &Suggestions, h: &Human) -> String {
    if r.suggestions.is_empty() {
        return format!("no suggestions from {} baskets", r.transactions);
    }
    let mut s = format!(
        "{} suggestions from {} baskets (approve with `till bundles approve KEY`):\n",
        r.suggestions.len(),
        r.transactions
    );
    for x in &r.suggestions {
        let names: Vec<&str> = x.items.iter().map(|i| i.name.as_str()).collect();
        let _ = writeln!(
            s,
            "  {:<24} {}\n      lift {:.2}, confidence {:.2}, {} baskets; {} -> {} at 10% off",
            x.key,
            names.join(" + "),
            x.lift,
            x.confidence,
            x.support_count,
            h.money(x.regular_price),
            h.money(x.suggested_price)
        );
    }
    s
}

pub fn companions(list: &[Companion], h: &Human) -> String {
    if list.is_empty() {
        return "nothing is often bought with it yet".into();
    }
    let mut s = String::from("often bought with:\n");
    for c in list {
        let _ = writeln!(
            s,
            "  {:<14} {:<28} {:>13}   {} orders ({:.0}%)",
            c.sku,
            truncate(&c.name, 28),
            h.money(c.price),
            c.together,
            c.confidence * 100.0
        );
    }
    s
}

pub fn kit(k: &Kit, h: &Human) -> String {
    let mut s = format!(
        "kit {}  {}  {}  ({} available)\n",
        k.sku,
        k.name,
        h.money(k.price),
        k.available
    );
    for c in &k.components {
        let _ = writeln!(
            s,
            "  {:>3} x {:<14} {:<28} {:>6} on hand",
            c.qty,
            c.sku,
            truncate(&c.name, 28),
            c.on_hand
        );
    }
    s
}

/// What a row of a table is, for messages ("flash sale 3").
pub fn row_kind(table: &str) -> &str {
    match table {
        "flash_sales" => "flash sale",
        "pricing_rules" => "pricing rule",
        "bundles" => "bundle",
        "products" => "product",
        other => other,
    }
}

pub fn doctor(r: &till_core::doctor::Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "integrity: {}", r.integrity);
    if r.stock_drift.is_empty() {
        let _ = writeln!(s, "stock ledger: consistent");
    } else {
        let _ = writeln!(s, "stock ledger: {} products drifted", r.stock_drift.len());
        for d in &r.stock_drift {
            let _ = writeln!(
                s,
                "  {}: {} cached, {} in the ledger",
                d.sku, d.cached, d.ledger
            );
        }
    }
    if r.damaged.is_empty() {
        let _ = writeln!(s, "stored values: all readable");
    } else {
        let _ = writeln!(s, "stored values: {} cannot be read", r.damaged.len());
        for d in &r.damaged {
            let _ = writeln!(s, "  {d}");
        }
    }
    if r.code_clashes.is_empty() {
        let _ = writeln!(s, "scan codes: each names one product");
    } else {
        for c in &r.code_clashes {
            let _ = writeln!(
                s,
                "scan codes: {} is the SKU of {} and the barcode of {}",
                c.code, c.sku_of, c.barcode_of
            );
        }
    }
    s
}

/// `till export all`: one line per table, then the folder.
pub fn export(m: &till_core::export::ExportManifest, dir: &std::path::Path) -> String {
    let width = m.tables.iter().map(|t| t.file.len()).max().unwrap_or(0);
    let mut text: String = m
        .tables
        .iter()
        .map(|t| {
            format!(
                "{:<width$}  {:>9} {}\n",
                t.file,
                t.rows,
                if t.rows == 1 { "row" } else { "rows" }
            )
        })
        .collect();
    text.push_str(&format!(
        "exported {} tables (schema {}) at {} into {}\n",
        m.tables.len(),
        m.schema_version,
        m.exported_at,
        dir.display()
    ));
    text
}
