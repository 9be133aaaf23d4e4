//! The back office's reports: sales (totals and rows by a time, product or
//! people dimension, with a comparison period), tax per rate, margin, the
//! playbooks (dynamic pricing, flash sales, bundles, referrals,
//! memberships) and stock.
//!
//! Every figure is exact (`Decimal`), in the store's time zone (a day is a
//! local day, DST included) and counts a refund on the day of the refund.
//! They are read from `report_rollup`, sums per local day kept beside the
//! orders (`rollup`), plus the raw rows of the part days at either end of a
//! period, folded by the same code that builds the sums; so a report over
//! two years reads a few thousand rows, never millions.
//!
//! The figures, for a period:
//! * `orders`: sales completed in it; `items`: units sold less units refunded;
//! * `gross`: price x quantity, as priced (with tax when prices include it);
//! * `discounts`: line, order and bundle discounts;
//! * `refunds`: the refunded share of what was sold, as priced, on the day
//!   of the refund;
//! * `net = gross - discounts - refunds`; `tax`: tax on sales less tax refunded;
//! * `cost`: each line's unit cost at the sale x units, less refunded units;
//! * `margin = net - cost`, less the tax inside the prices in a shop whose
//!   prices include tax (tax is never margin);
//! * `average_basket = (gross - discounts) / orders`.

pub mod files;
mod playbooks;
mod rollup;
mod sales;
mod stock;
mod tax;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::field::Field;

pub use files::{AnyReport, ReportFormat, ReportTable};
pub use playbooks::{
    BundleFigures, DynamicPricing, FlashSaleFigures, MembershipFigures, PlaybooksReport,
    PricingSide, ReferralFigures,
};
pub use sales::HeatCell;
pub use stock::{StockReport, StockRow, PACE_DAYS};

/// What the rows of a sales report are by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum SalesBy {
    Day,
    Week,
    Month,
    Hour,
    Weekday,
    Product,
    Category,
    Cashier,
    Tender,
    Customer,
}

impl SalesBy {
    pub const ALL: [SalesBy; 10] = [
        SalesBy::Day,
        SalesBy::Week,
        SalesBy::Month,
        SalesBy::Hour,
        SalesBy::Weekday,
        SalesBy::Product,
        SalesBy::Category,
        SalesBy::Cashier,
        SalesBy::Tender,
        SalesBy::Customer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SalesBy::Day => "day",
            SalesBy::Week => "week",
            SalesBy::Month => "month",
            SalesBy::Hour => "hour",
            SalesBy::Weekday => "weekday",
            SalesBy::Product => "product",
            SalesBy::Category => "category",
            SalesBy::Cashier => "cashier",
            SalesBy::Tender => "tender",
            SalesBy::Customer => "customer",
        }
    }

    /// Reads `--by`: one of the names above.
    pub fn parse(text: &str) -> Result<SalesBy> {
        let t = text.trim().to_ascii_lowercase();
        SalesBy::ALL
            .into_iter()
            .find(|b| b.as_str() == t)
            .ok_or_else(|| {
                Error::invalid(
                    Field::By,
                    format!(
                        "{text:?} is not a way to break sales down; use one of {}",
                        SalesBy::ALL.map(SalesBy::as_str).join(", ")
                    ),
                )
            })
    }

    /// Sales by day, week or month are the shop's totals over time, which
    /// every plan has; the other breakdowns are advanced reporting.
    pub fn is_advanced(self) -> bool {
        !matches!(self, SalesBy::Day | SalesBy::Week | SalesBy::Month)
    }
}

/// The period a sales report is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "kebab-case")]
pub enum Compare {
    /// As long as the period, right before it.
    Previous,
    /// The same local dates a year earlier.
    LastYear,
}

impl Compare {
    pub fn parse(text: &str) -> Result<Compare> {
        match text.trim().to_ascii_lowercase().as_str() {
            "previous" => Ok(Compare::Previous),
            "last-year" => Ok(Compare::LastYear),
            _ => Err(Error::invalid(
                Field::Compare,
                format!("{text:?} is not a comparison; use previous or last-year"),
            )),
        }
    }
}

/// A sales report's totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SalesTotals {
    pub orders: i64,
    pub items: i64,
    pub gross: Decimal,
    pub discounts: Decimal,
    pub refunds: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    pub cost: Decimal,
    pub margin: Decimal,
    pub average_basket: Decimal,
    /// Lines counted at the product's price and cost today, because they
    /// were sold before order lines kept their own (their cost and margin
    /// are estimates).
    pub estimated_lines: i64,
}

/// One row of a sales report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SalesRow {
    /// What the row is: `2026-11-01`, `2026-W44`, `2026-11`, `14` (the hour),
    /// `monday`, a SKU, a category (empty: none), a cashier, `cash`, `card`
    /// or `cash+card`, a customer id (empty: no customer).
    pub key: String,
    /// The key for people: a product's or customer's name, `14:00`, `Monday`,
    /// a day's weekday (`Mon`).
    pub label: String,
    pub orders: i64,
    pub items: i64,
    pub gross: Decimal,
    pub discounts: Decimal,
    pub refunds: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    pub cost: Decimal,
    pub margin: Decimal,
}

/// The change of each total against the comparison period, in percent
/// (one decimal); `None` when the comparison's figure is zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SalesChange {
    pub orders: Option<Decimal>,
    pub items: Option<Decimal>,
    pub gross: Option<Decimal>,
    pub discounts: Option<Decimal>,
    pub refunds: Option<Decimal>,
    pub net: Option<Decimal>,
    pub tax: Option<Decimal>,
    pub cost: Option<Decimal>,
    pub margin: Option<Decimal>,
    pub average_basket: Option<Decimal>,
}

/// `till report sales`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SalesReport {
    /// RFC 3339, inclusive.
    pub from: String,
    /// RFC 3339, exclusive.
    pub to: String,
    pub currency: String,
    pub by: SalesBy,
    pub totals: SalesTotals,
    pub rows: Vec<SalesRow>,
    /// The same report over the comparison period (its own `compare` null).
    pub compare: Option<Box<SalesReport>>,
    /// The totals' change against `compare`.
    pub change: Option<SalesChange>,
}

/// One tax rate's figures for filing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TaxRateRow {
    /// Percent.
    pub rate: Decimal,
    /// What the tax was levied on (excluding tax), on sales in the period.
    pub taxable: Decimal,
    pub tax: Decimal,
    /// The same for refunds made in the period.
    pub refunded_taxable: Decimal,
    pub refunded_tax: Decimal,
}

/// `till report tax`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TaxReport {
    pub from: String,
    pub to: String,
    pub currency: String,
    pub rates: Vec<TaxRateRow>,
    /// Tax on sales less tax refunded, over every rate.
    pub total_tax: Decimal,
}

/// One product's or category's margin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MarginRow {
    pub key: String,
    pub label: String,
    pub items: i64,
    pub net: Decimal,
    pub cost: Decimal,
    pub margin: Decimal,
    /// Margin as a percent of net (one decimal); `None` when net is zero.
    pub margin_percent: Option<Decimal>,
    /// Lines whose cost is today's, not the cost at the sale.
    pub estimated_lines: i64,
}

/// `till report margin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MarginReport {
    pub from: String,
    pub to: String,
    pub currency: String,
    pub products: Vec<MarginRow>,
    pub categories: Vec<MarginRow>,
    pub total: MarginRow,
}

/// `d` to `places` decimals, halves away from zero, always written with
/// them (`20.0`, never `20`), so a column of figures lines up.
pub(crate) fn fixed(d: Decimal, places: u32) -> Decimal {
    let mut r =
        d.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    r.rescale(places);
    r
}
