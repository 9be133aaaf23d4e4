//! Planning an import against the store, and writing it.
//!
//! The plan loads the products, their codes and the suppliers once, then
//! walks the rows in file order: each is matched by SKU, its values merged
//! over the product's (a field the file does not carry is kept), checked
//! for codes another product already scans by, and found to create, update
//! or leave the product unchanged. The commit plans inside its write
//! transaction (the store may have changed since the dry run) and writes
//! every product, its opening stock, one `product_imports` row and one
//! audit entry, or nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use rust_decimal::Decimal;

use super::row::{Parsed, Row, Tax};
use super::{
    cancelled, ImportFormat, ImportProgress, ImportReport, ImportStage, Issue, PreviewRow,
    Progress, RowAction, PREVIEW_ROWS,
};
use crate::catalog::{product_from_row, Product, PRODUCT_COLUMNS, PRODUCT_FROM};
use crate::error::Result;
use crate::inventory::{insert_movement, MovementKind};
use crate::permissions::Authority;
use crate::settings::Settings;
use crate::store::{ts, Store};

/// How often progress is told, in rows.
const STEP: usize = 500;

/// A product as the import leaves it.
#[derive(Debug, Clone, PartialEq)]
struct Values {
    name: String,
    price: Decimal,
    cost: Option<Decimal>,
    barcode: Option<String>,
    tax_rate: Decimal,
    category: Option<String>,
    active: bool,
    sell_by: Option<NaiveDate>,
    price_floor: Option<Decimal>,
    price_ceiling: Option<Decimal>,
    supplier: Option<(i64, String)>,
    supplier_sku: Option<String>,
    reorder_point: Option<i64>,
    reorder_qty: Option<i64>,
    compare_at_price: Option<Decimal>,
}

impl Values {
    fn of(p: &Product, supplier_id: Option<i64>) -> Values {
        Values {
            name: p.name.clone(),
            price: p.price,
            cost: p.cost,
            barcode: p.barcode.clone(),
            tax_rate: p.tax_rate,
            category: p.category.clone(),
            active: p.active,
            sell_by: p.sell_by,
            price_floor: p.price_floor,
            price_ceiling: p.price_ceiling,
            supplier: supplier_id.zip(p.supplier.clone()),
            supplier_sku: p.supplier_sku.clone(),
            reorder_point: p.reorder_point,
            reorder_qty: p.reorder_qty,
            compare_at_price: p.compare_at_price,
        }
    }

    /// The names of the fields that differ from `old`.
    fn changed(&self, old: &Values) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |name: &str, differs: bool| {
            if differs {
                out.push(name.to_string());
            }
        };
        check("name", self.name != old.name);
        check("price", self.price != old.price);
        check("cost", self.cost != old.cost);
        check("barcode", self.barcode != old.barcode);
        check("tax_rate", self.tax_rate != old.tax_rate);
        check("category", self.category != old.category);
        check("active", self.active != old.active);
        check("sell_by", self.sell_by != old.sell_by);
        check("price_floor", self.price_floor != old.price_floor);
        check("price_ceiling", self.price_ceiling != old.price_ceiling);
        check(
            "supplier",
            self.supplier.as_ref().map(|s| s.0) != old.supplier.as_ref().map(|s| s.0),
        );
        check("supplier_sku", self.supplier_sku != old.supplier_sku);
        check("reorder_point", self.reorder_point != old.reorder_point);
        check("reorder_qty", self.reorder_qty != old.reorder_qty);
        check(
            "compare_at_price",
            self.compare_at_price != old.compare_at_price,
        );
        out
    }
}

struct Step {
    line: u64,
    sku: String,
    action: RowAction,
    /// The existing product's id (updates).
    id: Option<i64>,
    values: Values,
    changed: Vec<String>,
    /// Opening stock of a new product.
    opening: Option<i64>,
    /// The stored sell-by date cannot be read and the file gives none:
    /// it stays as stored.
    keep_sell_by: bool,
}

struct Plan {
    steps: Vec<Step>,
    warnings: Vec<Issue>,
    errors: Vec<Issue>,
}

impl Plan {
    fn count(&self, a: RowAction) -> u32 {
        self.steps.iter().filter(|s| s.action == a).count() as u32
    }
}

fn existing(conn: &Connection) -> Result<HashMap<String, (Product, Option<i64>)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PRODUCT_COLUMNS}, p.supplier_id FROM {PRODUCT_FROM}"
    ))?;
    let rows = stmt.query_map([], |r| {
        let p = product_from_row(r)?;
        let supplier_id: Option<i64> = r.get(19)?;
        Ok((p.sku.clone(), (p, supplier_id)))
    })?;
    Ok(rows.collect::<rusqlite::Result<HashMap<_, _>>>()?)
}

fn suppliers(conn: &Connection) -> Result<HashMap<String, (i64, String)>> {
    let mut stmt = conn.prepare("SELECT id, name FROM suppliers")?;
    let rows = stmt.query_map([], |r| {
        let name: String = r.get(1)?;
        Ok((name.to_ascii_lowercase(), (r.get(0)?, name)))
    })?;
    Ok(rows.collect::<rusqlite::Result<HashMap<_, _>>>()?)
}

fn plan(
    conn: &Connection,
    settings: &Settings,
    parsed: &Parsed,
    mut progress: Option<Progress>,
) -> Result<Plan> {
    let existing = existing(conn)?;
    let suppliers = suppliers(conn)?;
    // Every code a scan looks up (SKUs and barcodes share one namespace,
    // as in the catalog) and the SKU of the product it finds.
    let mut owners: HashMap<String, String> = HashMap::with_capacity(existing.len() * 2);
    for (sku, (p, _)) in &existing {
        owners.insert(sku.clone(), sku.clone());
        if let Some(b) = &p.barcode {
            owners.insert(b.clone(), sku.clone());
        }
    }
    let column = |key: &str| parsed.columns.get(key).cloned();
    let mut warnings = parsed.warnings.clone();
    let mut errors = parsed.errors.clone();
    let mut seen: HashMap<&str, u64> = HashMap::new();
    let mut steps = Vec::with_capacity(parsed.rows.len());
    let mut taxed_without_default = None;
    let total = parsed.rows.len();
    for (i, row) in parsed.rows.iter().enumerate() {
        if i % STEP == 0 {
            if let Some(p) = progress.as_mut() {
                if !p(ImportProgress {
                    stage: ImportStage::Checking,
                    done: i as u64,
                    total: total as u64,
                }) {
                    return Err(cancelled());
                }
            }
        }
        let issue = |key: &str, message: String| Issue {
            line: row.line,
            column: column(key),
            message,
        };
        if let Some(first) = seen.insert(&row.sku, row.line) {
            errors.push(issue(
                "sku",
                format!(
                    "SKU {} is also on line {first}: a SKU names one product",
                    row.sku
                ),
            ));
            continue;
        }
        let current = existing.get(&row.sku);
        if current.is_none() {
            if let Some(other) = owners.get(&row.sku) {
                errors.push(issue(
                    "sku",
                    format!(
                        "SKU {} is the barcode of {other}; a scan of it must find one product only",
                        row.sku
                    ),
                ));
                continue;
            }
        }
        let before_errors = errors.len();
        let values = merge(row, current, settings, &suppliers, &mut |key, m| {
            errors.push(issue(key, m))
        });
        if errors.len() > before_errors {
            continue;
        }
        let Some(values) = values else { continue };
        if matches!(row.tax, Some(Tax::Taxable(true)))
            && values.tax_rate.is_zero()
            && settings.default_tax_rate.is_none()
            && taxed_without_default.is_none()
        {
            taxed_without_default = Some(row.line);
        }
        // The barcode must not be another product's SKU or barcode.
        let old_barcode = current.and_then(|(p, _)| p.barcode.clone());
        if values.barcode != old_barcode {
            if let Some(b) = &values.barcode {
                if let Some(other) = owners.get(b).filter(|o| **o != row.sku) {
                    let what = if *other == *b {
                        "the SKU of"
                    } else {
                        "already the barcode of"
                    };
                    errors.push(issue(
                        "barcode",
                        format!("{b} is {what} {other}; a scan of it must find one product only"),
                    ));
                    continue;
                }
            }
            if let Some(old) = &old_barcode {
                owners.remove(old);
            }
            if let Some(b) = &values.barcode {
                owners.insert(b.clone(), row.sku.clone());
            }
        }
        let step = match current {
            None => {
                owners.insert(row.sku.clone(), row.sku.clone());
                let opening = match row.stock {
                    Some(q) if q < 0 => {
                        warnings.push(issue(
                            "on_hand",
                            format!("stock {q} is below zero: a new product starts with none"),
                        ));
                        None
                    }
                    q => q.filter(|q| *q > 0),
                };
                Step {
                    line: row.line,
                    sku: row.sku.clone(),
                    action: RowAction::Created,
                    id: None,
                    values,
                    changed: Vec::new(),
                    opening,
                    keep_sell_by: false,
                }
            }
            Some((p, supplier_id)) => {
                if let Some(q) = row.stock.filter(|q| *q != p.on_hand && !p.kit) {
                    warnings.push(issue(
                        "on_hand",
                        format!(
                            "the file says {q} on hand, Till has {}: stock of an existing product is left as it is; count the shelf to correct it",
                            p.on_hand
                        ),
                    ));
                }
                let old = Values::of(p, *supplier_id);
                let keep_sell_by = row.sell_by.is_none() && p.sell_by_damage.is_some();
                let changed = values.changed(&old);
                Step {
                    line: row.line,
                    sku: row.sku.clone(),
                    action: if changed.is_empty() {
                        RowAction::Unchanged
                    } else {
                        RowAction::Updated
                    },
                    id: Some(p.id),
                    values,
                    changed,
                    opening: None,
                    keep_sell_by,
                }
            }
        };
        steps.push(step);
    }
    if let Some(line) = taxed_without_default {
        warnings.push(Issue {
            line,
            column: column("tax_rate"),
            message: "variants marked taxable get the store's default tax rate, and the store has none: they get no tax (set one in the settings and import again)".into(),
        });
    }
    if let Some(p) = progress.as_mut() {
        if !p(ImportProgress {
            stage: ImportStage::Checking,
            done: total as u64,
            total: total as u64,
        }) {
            return Err(cancelled());
        }
    }
    warnings.sort_by_key(|i| i.line);
    errors.sort_by_key(|i| i.line);
    Ok(Plan {
        steps,
        warnings,
        errors,
    })
}

/// A row's values over the product's (or the defaults for a new one).
/// `None` when a new product lacks what it needs (the error is reported).
fn merge(
    row: &Row,
    current: Option<&(Product, Option<i64>)>,
    settings: &Settings,
    suppliers: &HashMap<String, (i64, String)>,
    error: &mut dyn FnMut(&str, String),
) -> Option<Values> {
    let default_rate = settings.default_tax_rate.unwrap_or(Decimal::ZERO);
    let supplier = |name: &Option<String>, error: &mut dyn FnMut(&str, String)| match name {
        None => Some(None),
        Some(n) => match suppliers.get(&n.to_ascii_lowercase()) {
            Some(s) => Some(Some(s.clone())),
            None => {
                error(
                    "supplier",
                    format!("no supplier is named {n:?}: add it first (till supplier add)"),
                );
                None
            }
        },
    };
    let supplier = match &row.supplier {
        Some(n) => supplier(n, error)?,
        None => match current {
            Some((p, id)) => id.zip(p.supplier.clone()),
            None => None,
        },
    };
    let base = match current {
        Some((p, id)) => {
            let mut v = Values::of(p, *id);
            v.supplier = supplier;
            v
        }
        None => {
            let (Some(name), Some(price)) = (&row.name, row.price) else {
                if row.name.is_none() {
                    error(
                        "name",
                        format!("{} is a new product and needs a name", row.sku),
                    );
                }
                if row.price.is_none() {
                    error(
                        "price",
                        format!("{} is a new product and needs a price", row.sku),
                    );
                }
                return None;
            };
            Values {
                name: name.clone(),
                price,
                cost: None,
                barcode: None,
                tax_rate: default_rate,
                category: None,
                active: true,
                sell_by: None,
                price_floor: None,
                price_ceiling: None,
                supplier,
                supplier_sku: None,
                reorder_point: None,
                reorder_qty: None,
                compare_at_price: None,
            }
        }
    };
    let tax_rate = match row.tax {
        None => base.tax_rate,
        Some(Tax::Rate(r)) => r,
        Some(Tax::Taxable(false)) => Decimal::ZERO,
        Some(Tax::Taxable(true)) if base.tax_rate > Decimal::ZERO => base.tax_rate,
        Some(Tax::Taxable(true)) => default_rate,
    };
    Some(Values {
        name: row.name.clone().unwrap_or(base.name),
        price: row.price.unwrap_or(base.price),
        cost: row.cost.unwrap_or(base.cost),
        barcode: row.barcode.clone().unwrap_or(base.barcode),
        tax_rate,
        category: row.category.clone().unwrap_or(base.category),
        active: row.active.unwrap_or(base.active),
        sell_by: row.sell_by.unwrap_or(base.sell_by),
        price_floor: row.price_floor.unwrap_or(base.price_floor),
        price_ceiling: row.price_ceiling.unwrap_or(base.price_ceiling),
        supplier: base.supplier,
        supplier_sku: row.supplier_sku.clone().unwrap_or(base.supplier_sku),
        reorder_point: row.reorder_point.unwrap_or(base.reorder_point),
        reorder_qty: row.reorder_qty.unwrap_or(base.reorder_qty),
        compare_at_price: row.compare_at_price.unwrap_or(base.compare_at_price),
    })
}

/// How many of the file's SKUs the store does not have: the products the
/// import adds, for the plan's limit on products.
fn new_skus(conn: &Connection, parsed: &Parsed) -> Result<u64> {
    let mut stmt = conn.prepare("SELECT sku FROM products")?;
    let have = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<std::collections::HashSet<_>>>()?;
    let new: std::collections::HashSet<&str> = parsed
        .rows
        .iter()
        .map(|r| r.sku.as_str())
        .filter(|s| !have.contains(*s))
        .collect();
    Ok(new.len() as u64)
}

fn report(plan: Plan, format: ImportFormat, file: &str, dry_run: bool) -> ImportReport {
    ImportReport {
        created: plan.count(RowAction::Created),
        updated: plan.count(RowAction::Updated),
        unchanged: plan.count(RowAction::Unchanged),
        rows: plan
            .steps
            .iter()
            .take(PREVIEW_ROWS)
            .map(|s| PreviewRow {
                line: s.line,
                sku: s.sku.clone(),
                name: s.values.name.clone(),
                action: s.action,
                changed: s.changed.clone(),
            })
            .collect(),
        warnings: plan.warnings,
        errors: plan.errors,
        format,
        file: file.to_string(),
        dry_run,
        committed: false,
        import_id: None,
    }
}

pub(crate) fn run(
    store: &mut Store,
    parsed: Parsed,
    format: ImportFormat,
    file: &str,
    dry_run: bool,
    progress: Progress,
    auth: &Authority,
) -> Result<ImportReport> {
    let settings = store.settings().clone();
    // A dry run, or a file whose rows already have errors, plans without
    // the write lock.
    if dry_run || !parsed.errors.is_empty() {
        let plan = plan(&store.conn, &settings, &parsed, Some(&mut *progress))?;
        return Ok(report(plan, format, file, dry_run));
    }
    store.check_limit("products", Decimal::from(new_skus(&store.conn, &parsed)?))?;
    let at = store.now();
    let now = ts(at);
    let user = store.user().to_string();
    let tx = store.write_tx()?;
    // Planned under the write lock, so what it checked (codes, suppliers,
    // what each product is now) is what it writes over.
    let plan = plan(&tx, &settings, &parsed, Some(&mut *progress))?;
    if !plan.errors.is_empty() {
        return Ok(report(plan, format, file, dry_run));
    }
    let (created, updated, unchanged) = (
        plan.count(RowAction::Created),
        plan.count(RowAction::Updated),
        plan.count(RowAction::Unchanged),
    );
    tx.execute(
        "INSERT INTO product_imports (file_name, format, created, updated, unchanged, user, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![file, format.as_str(), created, updated, unchanged, user, now],
    )?;
    let import_id = tx.last_insert_rowid();
    let reason = format!("import {import_id} ({file})");
    let total = plan.steps.len();
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO products (sku, name, barcode, price, cost, tax_rate, category, active, created_at, updated_at, sell_by, price_floor, price_ceiling,
                                   supplier_id, supplier_sku, reorder_point, reorder_qty, compare_at_price)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )?;
        let mut update = tx.prepare_cached(
            "UPDATE products SET name = ?1, price = ?2, cost = ?3, barcode = ?4, tax_rate = ?5, category = ?6, active = ?7, updated_at = ?8,
                    sell_by = CASE WHEN ?10 THEN sell_by ELSE ?11 END, price_floor = ?12, price_ceiling = ?13,
                    supplier_id = ?14, supplier_sku = ?15, reorder_point = ?16, reorder_qty = ?17, compare_at_price = ?18
             WHERE id = ?9",
        )?;
        // Barcodes that move from one product to another in this file: the
        // old holder lets go first, so the UNIQUE index never sees both.
        let mut release = tx.prepare_cached("UPDATE products SET barcode = NULL WHERE id = ?1")?;
        for s in &plan.steps {
            if s.action == RowAction::Updated && s.changed.iter().any(|c| c == "barcode") {
                release.execute([s.id])?;
            }
        }
        let text = |d: Option<Decimal>| d.map(|d| d.to_string());
        for (i, s) in plan.steps.iter().enumerate() {
            if i % STEP == 0
                && !progress(ImportProgress {
                    stage: ImportStage::Writing,
                    done: i as u64,
                    total: total as u64,
                })
            {
                return Err(cancelled());
            }
            let v = &s.values;
            match s.action {
                RowAction::Unchanged => {}
                RowAction::Created => {
                    insert.execute(params![
                        s.sku,
                        v.name,
                        v.barcode,
                        v.price.to_string(),
                        text(v.cost),
                        v.tax_rate.to_string(),
                        v.category,
                        v.active,
                        now,
                        v.sell_by.map(|d| d.to_string()),
                        text(v.price_floor),
                        text(v.price_ceiling),
                        v.supplier.as_ref().map(|s| s.0),
                        v.supplier_sku,
                        v.reorder_point,
                        v.reorder_qty,
                        text(v.compare_at_price),
                    ])?;
                    if let Some(q) = s.opening {
                        let id = tx.last_insert_rowid();
                        insert_movement(
                            &tx,
                            id,
                            MovementKind::Restock,
                            q,
                            Some(&reason),
                            &user,
                            &now,
                            None,
                            None,
                        )?;
                    }
                }
                RowAction::Updated => {
                    update.execute(params![
                        v.name,
                        v.price.to_string(),
                        text(v.cost),
                        v.barcode,
                        v.tax_rate.to_string(),
                        v.category,
                        v.active,
                        now,
                        s.id,
                        s.keep_sell_by,
                        v.sell_by.map(|d| d.to_string()),
                        text(v.price_floor),
                        text(v.price_ceiling),
                        v.supplier.as_ref().map(|s| s.0),
                        v.supplier_sku,
                        v.reorder_point,
                        v.reorder_qty,
                        text(v.compare_at_price),
                    ])?;
                }
            }
        }
    }
    if !progress(ImportProgress {
        stage: ImportStage::Writing,
        done: total as u64,
        total: total as u64,
    }) {
        return Err(cancelled());
    }
    crate::audit::record(
        &tx,
        auth,
        at,
        "product.import",
        Some(file),
        serde_json::json!({
            "import": import_id,
            "format": format.as_str(),
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
        }),
    )?;
    tx.commit()?;
    let mut out = report(plan, format, file, false);
    out.committed = true;
    out.import_id = Some(import_id);
    Ok(out)
}
