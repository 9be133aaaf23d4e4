//! Metered usage: records `{metric, quantity, occurred_at, id}` of the
//! shop's own metered services, each with a `usage.recorded` outbox event
//! in the same transaction, and totals per billing period: calendar months
//! in the store's time zone, or months starting on a billing day. Totals
//! are summed as decimals, exactly.
//!
//! Completed orders are metered too (`orders`), but their record is the
//! order row itself, written in the sale's transaction with its id and
//! time, and sent upstream as `order.completed`: a second row per sale
//! would only repeat it, and cost checkout a third of its durable commit
//! rate (more B-tree pages to sync per sale; see BENCHMARKS.md).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::tiers::Limit;
use crate::error::{Error, Result};
use crate::input::Field;
use crate::outbox;
use crate::roles::Permission;
use crate::store::{ts, Store};

/// Metrics every store can record usage of (besides those the plan
/// limits). `orders` is counted from the orders themselves.
pub const BUILT_IN: [&str; 1] = ["api_calls"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct UsageRecord {
    pub id: String,
    pub metric: String,
    #[serde(serialize_with = "super::tiers::serialize_quantity")]
    // A JSON number, never null (see `serialize_quantity`).
    #[specta(type = i64)]
    pub quantity: Decimal,
    pub occurred_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Period {
    pub from: String,
    pub to: String,
    /// "2026-11", or "2026-11-15..2026-12-15" for periods on a billing day.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MetricUsage {
    /// What the owner reads for the metric's key ("API calls").
    #[serde(default)]
    pub name: String,
    #[serde(serialize_with = "super::tiers::serialize_quantity")]
    // A JSON number, never null (see `serialize_quantity`).
    #[specta(type = i64)]
    pub used: Decimal,
    pub limit: Limit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct UsageReport {
    pub period: Period,
    pub tier: String,
    pub metrics: BTreeMap<String, MetricUsage>,
}

/// Writes one usage record and its event inside the caller's transaction.
pub(crate) fn record(
    conn: &Connection,
    metric: &str,
    quantity: Decimal,
    at: DateTime<Utc>,
    source: &str,
) -> Result<UsageRecord> {
    let r = UsageRecord {
        id: uuid::Uuid::now_v7().to_string(),
        metric: metric.to_string(),
        quantity,
        occurred_at: ts(at),
    };
    conn.prepare_cached(
        "INSERT INTO usage_records (id, metric, quantity, occurred_at, source) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![r.id, r.metric, r.quantity.to_string(), r.occurred_at, source])?;
    outbox::push(
        conn,
        at,
        &till_wire::UsageRecorded {
            usage_id: r.id.clone(),
            metric: r.metric.clone(),
            quantity: r.quantity,
            occurred_at: r.occurred_at.clone(),
            source: source.to_string(),
        },
    )?;
    Ok(r)
}

/// The exact total of `metric` in [from, to).
pub(crate) fn total(
    conn: &Connection,
    metric: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Decimal> {
    if metric == "orders" {
        let n: i64 = conn
            .prepare_cached(
                "SELECT COUNT(*) FROM orders WHERE created_at >= ?1 AND created_at < ?2",
            )?
            .query_row(params![ts(from), ts(to)], |r| r.get(0))?;
        return Ok(Decimal::from(n));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT quantity FROM usage_records WHERE metric = ?1 AND occurred_at >= ?2 AND occurred_at < ?3",
    )?;
    let rows = stmt.query_map(params![metric, ts(from), ts(to)], |r| {
        crate::stored::decimal(r, 0)
    })?;
    let mut sum = Decimal::ZERO;
    for q in rows {
        sum += q?;
    }
    Ok(sum.normalize())
}

fn month_start(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

fn add_month(d: NaiveDate) -> Option<NaiveDate> {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    month_start(y, m, d.day())
}

impl Store {
    fn local_midnight(&self, d: NaiveDate) -> Result<DateTime<Utc>> {
        let tz = crate::settings::parse_time_zone(&self.settings.time_zone)?;
        Ok(crate::locale::day_start(tz, d))
    }

    /// The billing period holding `at`: [from, to) in UTC, with its label.
    pub fn billing_period(
        &self,
        at: DateTime<Utc>,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>, String)> {
        let tz = crate::settings::parse_time_zone(&self.settings.time_zone)?;
        let local = at.with_timezone(&tz).date_naive();
        let day = self.billing_day()?.unwrap_or(1);
        let mut start = month_start(local.year(), local.month(), day)
            .ok_or_else(|| Error::Internal("bad billing day".into()))?;
        if local < start {
            start = if start.month() == 1 {
                month_start(start.year() - 1, 12, day)
            } else {
                month_start(start.year(), start.month() - 1, day)
            }
            .ok_or_else(|| Error::Internal("bad billing day".into()))?;
        }
        let end = add_month(start).ok_or_else(|| Error::Internal("bad billing day".into()))?;
        let label = if day == 1 {
            format!("{:04}-{:02}", start.year(), start.month())
        } else {
            format!("{start}..{end}")
        };
        Ok((
            self.local_midnight(start)?,
            self.local_midnight(end)?,
            label,
        ))
    }

    /// The period named "YYYY-MM" (starting on the billing day of that month).
    pub fn billing_period_named(
        &self,
        text: &str,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>, String)> {
        let bad = || {
            Error::invalid(
                Field::Period,
                format!("{text:?} is not a month like 2026-11"),
            )
        };
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        let day = self.billing_day()?.unwrap_or(1);
        let start = month_start(y, m, day).ok_or_else(bad)?;
        let noon = self.local_midnight(start)? + chrono::Duration::hours(12);
        self.billing_period(noon)
    }

    /// Records usage of a metered service of the shop's own. The metric
    /// must be one Till records or one the plan limits.
    pub fn record_usage(
        &mut self,
        metric: &str,
        quantity: Decimal,
        at: Option<DateTime<Utc>>,
    ) -> Result<UsageRecord> {
        self.require(Permission::ManagePlan)?;
        let metric = metric.trim();
        let doc = self.tiers_document()?;
        if metric == "orders" {
            return Err(Error::invalid(
                Field::Metric,
                "orders are counted from the sales themselves; they cannot be recorded by hand",
            ));
        }
        let known = BUILT_IN.contains(&metric)
            || (doc.limit_keys().contains(metric) && !Store::is_count_limit(metric));
        if !known {
            let mut k: Vec<&str> = doc
                .limit_keys()
                .into_iter()
                .filter(|m| !Store::is_count_limit(m))
                .chain(BUILT_IN)
                .collect();
            k.sort_unstable();
            k.dedup();
            return Err(Error::invalid(
                Field::Metric,
                format!(
                    "{metric:?} is not a metered metric (known: {})",
                    k.join(", ")
                ),
            ));
        }
        if quantity <= Decimal::ZERO {
            return Err(Error::invalid(
                Field::Quantity,
                format!("{quantity} must be more than 0"),
            ));
        }
        crate::money::check_magnitude(Field::Quantity, quantity)?;
        let at = match at {
            Some(t) => crate::input::check_time(Field::At, t)?,
            None => self.now(),
        };
        let tx = self.write_tx()?;
        let r = record(&tx, metric, quantity.normalize(), at, "owner")?;
        tx.commit()?;
        Ok(r)
    }

    /// Totals per metric in [from, to) against the tier's limits: every
    /// metric the tier limits (counts as they are now) and every metric
    /// with records in the period.
    pub fn usage_report(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        label: String,
    ) -> Result<UsageReport> {
        self.require(Permission::Reports)?;
        if to <= from {
            return Err(Error::invalid(
                Field::To,
                format!("{} is not after the start {}", ts(to), ts(from)),
            ));
        }
        let plan = self.plan(self.now())?;
        let mut names: Vec<String> = plan.tier.limits.keys().cloned().collect();
        let recorded: Vec<String> = self
            .conn
            .prepare("SELECT DISTINCT metric FROM usage_records WHERE occurred_at >= ?1 AND occurred_at < ?2")?
            .query_map(params![ts(from), ts(to)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        names.extend(recorded);
        names.push("orders".into());
        names.sort();
        names.dedup();
        let mut metrics = BTreeMap::new();
        for name in names {
            let used = if Store::is_count_limit(&name) {
                self.limit_status(&name)?.used
            } else {
                total(&self.conn, &name, from, to)?
            };
            let limit = plan
                .tier
                .limits
                .get(&name)
                .copied()
                .unwrap_or(Limit::Unlimited);
            let words = super::names::limit(&name);
            metrics.insert(
                name,
                MetricUsage {
                    name: words,
                    used,
                    limit,
                },
            );
        }
        Ok(UsageReport {
            period: Period {
                from: ts(from),
                to: ts(to),
                label,
            },
            tier: plan.tier.id,
            metrics,
        })
    }
}
