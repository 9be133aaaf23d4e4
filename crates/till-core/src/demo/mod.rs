//! The demo shop, a small café and corner store, made through the core's
//! own operations so every row is one Till writes:
//!
//! * `catalog`: its products;
//! * `shop`: its rules, weekly happy hour, referral programme and coffee
//!   club, set up on the first morning;
//! * `people`: the affiliate, the referring regular and the regulars;
//! * `calendar` and `baskets`: when customers come and what they buy;
//! * `counter`: pricing a basket and taking payment, through `Store::sell`;
//! * `history`: four weeks of it, up to now (`till init --demo`);
//! * `sales`: random sales now, for load (`till demo sales`);
//! * `bulk`: years of orders in one transaction per day, for benchmarks
//!   (`till demo history`).

mod baskets;
mod bulk;
pub mod calendar;
mod catalog;
mod counter;
mod history;
mod people;
mod sales;
mod shop;

use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};

pub use bulk::{
    bulk_history, parse_days, parse_orders, BulkOptions, BulkProgress, BulkReport, MAX_DAYS,
    MAX_ORDERS,
};
pub use catalog::seed_catalog;
pub use history::{build, check_license, DemoOptions, DemoReport, DAYS, DEFAULT_SEED};
pub use sales::{run_sales, DemoSummary};

use crate::error::{Error, Result};
use crate::input::Field;
use crate::settings::Settings;
use crate::store::Store;

/// A demo's seed as typed ("42"); `field` names the input in the error.
pub fn parse_seed(field: Field, text: &str) -> Result<u64> {
    text.trim()
        .parse::<u64>()
        .map_err(|_| Error::invalid(field, format!("{text:?} is not a whole number from 0 up")))
}

/// The history must fit in the years a store keeps (`input::FIRST_YEAR` to
/// `LAST_YEAR`): its first day, and the sell-by dates and weekly sale
/// that run a few weeks past its end.
fn check_end(now: DateTime<Utc>) -> Result<()> {
    let earliest = Utc
        .with_ymd_and_hms(crate::input::FIRST_YEAR, 1, 1, 0, 0, 0)
        .single()
        .map(|t| t + Duration::days(DAYS as i64 + 1));
    let latest = Utc
        .with_ymd_and_hms(crate::input::LAST_YEAR, 1, 1, 0, 0, 0)
        .single();
    match (earliest, latest) {
        (Some(a), Some(b)) if now >= a && now < b => Ok(()),
        _ => Err(Error::invalid(
            Field::At,
            format!(
                "{} leaves no room for the demo's {DAYS} days of history between {} and {}",
                crate::store::ts(now),
                crate::input::FIRST_YEAR,
                crate::input::LAST_YEAR
            ),
        )),
    }
}

/// Creates a new store at `path` holding the demo's history. The history is
/// many operations, each its own transaction, so when one fails the file
/// is removed again: a demo store is whole or not there.
pub fn create(
    path: &Path,
    settings: Settings,
    options: &DemoOptions,
) -> Result<(Store, DemoReport)> {
    check_end(options.now)?;
    if let Some(license) = &options.license {
        check_license(license)?;
    }
    let mut store = Store::create(path, settings)?;
    match build(&mut store, options) {
        Ok(report) => Ok((store, report)),
        Err(e) => {
            drop(store);
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut file = path.as_os_str().to_owned();
                file.push(suffix);
                // Gone already is fine; the error that matters is `e`.
                let _ = std::fs::remove_file(file);
            }
            Err(e)
        }
    }
}
