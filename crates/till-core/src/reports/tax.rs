//! Tax per rate for filing: sales and refunds apart. Never gated by the
//! plan: every shop owes its tax.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::rollup::{self, amount};
use super::{TaxRateRow, TaxReport};
use crate::error::Result;
use crate::store::{ts, Store};

impl Store {
    /// `till report tax`: per rate, the taxable base and the tax of the
    /// sales in [from, to), and of the refunds made in it.
    pub fn tax_report(&mut self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<TaxReport> {
        super::sales::check_period(from, to)?;
        let ctx = self.report_ctx()?;
        let c = &ctx.currency;
        let cells = rollup::gather(&self.conn, ctx.tz, c, rollup::TAX, from, to, true)?;
        let mut by: std::collections::BTreeMap<Decimal, rollup::Sums> = Default::default();
        for (cell, s) in cells {
            let rate: Decimal = cell.key.parse().map_err(|_| {
                crate::error::Error::Internal(format!("tax rate {:?} in the report sums", cell.key))
            })?;
            *by.entry(rate.normalize()).or_default() += s;
        }
        let rates: Vec<TaxRateRow> = by
            .into_iter()
            .map(|(rate, s)| TaxRateRow {
                rate,
                taxable: amount(s.gross, c),
                tax: amount(s.tax, c),
                refunded_taxable: amount(s.refunds, c),
                refunded_tax: amount(s.refund_tax, c),
            })
            .collect();
        let total_tax = c.round(rates.iter().map(|r| r.tax - r.refunded_tax).sum());
        Ok(TaxReport {
            from: ts(from),
            to: ts(to),
            currency: c.code.clone(),
            rates,
            total_tax,
        })
    }
}
