//! `till report …`: the back office's reports. `--json` gives the core's
//! report as it is (`SalesReport`, `TaxReport`, `MarginReport`,
//! `PlaybooksReport`, `StockReport`, the heatmap's cells); human output is
//! an aligned table of the same figures; `--format csv|pdf --out FILE`
//! writes the file the window exports too (till-core `reports::files`),
//! `--out -` to stdout.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use till_core::reports::files::Column;
use till_core::reports::{AnyReport, Compare, ReportFormat, ReportTable, SalesBy, SalesReport};
use till_core::{Error, Result, Store};

use crate::human::Human;
use crate::run::Ctx;

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Sales: totals (orders, items, gross, discounts, refunds, net, tax,
    /// cost, margin, average basket) and rows by a time, product or
    /// people dimension, with a comparison period on request. By day,
    /// week and month on every plan; the other breakdowns are advanced
    /// reporting.
    Sales {
        #[command(flatten)]
        period: Period,
        /// day, week, month, hour, weekday, product, category, cashier,
        /// tender or customer.
        #[arg(long, value_name = "BY", default_value = "day")]
        by: String,
        /// previous (as long, right before) or last-year (the same dates a
        /// year earlier).
        #[arg(long, value_name = "PERIOD")]
        compare: Option<String>,
        #[command(flatten)]
        file: FileArgs,
    },
    /// Tax per rate for filing: the taxable base and tax of sales, and of
    /// refunds made in the period, apart. Every plan.
    Tax {
        #[command(flatten)]
        period: Period,
        #[command(flatten)]
        file: FileArgs,
    },
    /// Margin per product and category from the cost at the time of sale
    /// (advanced reporting).
    Margin {
        #[command(flatten)]
        period: Period,
        #[command(flatten)]
        file: FileArgs,
    },
    /// What the playbooks brought and gave away: dynamic pricing, each
    /// flash sale against the same hours of the four weeks before,
    /// bundles, referrals, memberships (advanced reporting).
    Playbooks {
        #[command(flatten)]
        period: Period,
        #[command(flatten)]
        file: FileArgs,
    },
    /// Stock now: on hand, value at cost, units sold per day over the last
    /// 28 days and days of cover. Every plan.
    Stock {
        #[command(flatten)]
        file: FileArgs,
    },
    /// Orders and net sales per weekday and local hour (advanced reporting).
    Heatmap {
        #[command(flatten)]
        period: Period,
    },
    /// Sales per product (advanced reporting).
    Products {
        /// RFC 3339 (default: the start of the current billing period).
        #[arg(long)]
        from: Option<String>,
        /// RFC 3339 (default: now).
        #[arg(long)]
        to: Option<String>,
    },
}

/// A report's period: `--from` and `--to`, or `--period NAME`.
#[derive(Debug, Args)]
pub struct Period {
    /// A date (2026-11-01: from the start of that day in the store's time
    /// zone) or an RFC 3339 time.
    #[arg(long, value_name = "T", required_unless_present = "period")]
    from: Option<String>,
    /// A date (2026-11-30: to the end of that day, inclusive) or an RFC
    /// 3339 time (exclusive).
    #[arg(long, value_name = "T", required_unless_present = "period")]
    to: Option<String>,
    /// Instead of --from and --to: today, yesterday, this-week, last-week,
    /// this-month or last-month.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["from", "to"])]
    period: Option<String>,
}

impl Period {
    fn range(
        &self,
        store: &Store,
    ) -> Result<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
        match &self.period {
            Some(name) => store.report_preset(name),
            None => store.report_range(
                self.from.as_deref().unwrap_or(""),
                self.to.as_deref().unwrap_or(""),
            ),
        }
    }
}

/// `--format csv|pdf --out FILE`: the report as a file instead of output.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// csv or pdf, written to --out.
    #[arg(long, value_name = "FORMAT", requires = "out")]
    format: Option<String>,
    /// The file to write (replaced whole, or left as it was); - for stdout.
    #[arg(long, value_name = "FILE", requires = "format")]
    out: Option<PathBuf>,
}

impl FileArgs {
    /// The format asked for, read before the report is made so a bad one
    /// costs nothing.
    fn format(&self) -> Result<Option<ReportFormat>> {
        self.format.as_deref().map(ReportFormat::parse).transpose()
    }
}

pub fn run(ctx: &Ctx, store: &mut Store, cmd: ReportCmd) -> Result<()> {
    match cmd {
        ReportCmd::Sales {
            period,
            by,
            compare,
            file,
        } => {
            let by = SalesBy::parse(&by)?;
            let compare = compare.as_deref().map(Compare::parse).transpose()?;
            let format = file.format()?;
            let (from, to) = period.range(store)?;
            let report = store.sales_report(from, to, by, compare)?;
            emit(
                ctx,
                store,
                (&report).into(),
                format,
                &file,
                &report,
                |tables| sales_text(&report, tables, &ctx.human),
            )
        }
        ReportCmd::Tax { period, file } => {
            let format = file.format()?;
            let (from, to) = period.range(store)?;
            let report = store.tax_report(from, to)?;
            emit(
                ctx,
                store,
                (&report).into(),
                format,
                &file,
                &report,
                |tables| {
                    let mut text = text_tables(tables);
                    text.push_str(&format!(
                        "\nTax owed: {}",
                        ctx.human.money(report.total_tax)
                    ));
                    text
                },
            )
        }
        ReportCmd::Margin { period, file } => {
            let format = file.format()?;
            let (from, to) = period.range(store)?;
            let report = store.margin_report(from, to)?;
            emit(
                ctx,
                store,
                (&report).into(),
                format,
                &file,
                &report,
                text_tables,
            )
        }
        ReportCmd::Playbooks { period, file } => {
            let format = file.format()?;
            let (from, to) = period.range(store)?;
            let report = store.playbooks_report(from, to)?;
            emit(
                ctx,
                store,
                (&report).into(),
                format,
                &file,
                &report,
                text_tables,
            )
        }
        ReportCmd::Stock { file } => {
            let format = file.format()?;
            let report = store.stock_report()?;
            emit(
                ctx,
                store,
                (&report).into(),
                format,
                &file,
                &report,
                |tables| {
                    let mut text = text_tables(tables);
                    text.push_str(&format!(
                        "\nStock value at cost: {}",
                        ctx.human.money(report.total_value)
                    ));
                    text
                },
            )
        }
        ReportCmd::Heatmap { period } => {
            let (from, to) = period.range(store)?;
            let cells = store.sales_heatmap(from, to)?;
            ctx.out(&cells, |cells| heatmap_text(cells, &ctx.human))
        }
        ReportCmd::Products { from, to } => {
            let (from, to) = store.report_period(from.as_deref(), to.as_deref())?;
            let rows = store.product_sales(from, to)?;
            ctx.out(&rows, |rows| {
                if rows.is_empty() {
                    return "no sales in the period".into();
                }
                rows.iter()
                    .map(|r| {
                        format!(
                            "{:<14} {:<28} {:>6} units {:>14}  {} orders",
                            r.sku,
                            r.name,
                            r.units,
                            ctx.human.money(r.net),
                            r.orders
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
    }
}

/// The report as JSON or text, or as the file `--format` asks for.
fn emit<T: serde::Serialize>(
    ctx: &Ctx,
    store: &Store,
    report: AnyReport<'_>,
    format: Option<ReportFormat>,
    file: &FileArgs,
    value: &T,
    human: impl FnOnce(&[ReportTable]) -> String,
) -> Result<()> {
    let (Some(format), Some(out)) = (format, &file.out) else {
        let tz = till_core::locale::parse_time_zone(&store.settings().time_zone)?;
        let tables = report.tables(tz)?;
        return ctx.out(value, |_| human(&tables));
    };
    let bytes = store.report_file(report, format)?;
    if out.as_os_str() == "-" {
        let mut stdout = std::io::stdout().lock();
        return match stdout.write_all(&bytes).and_then(|()| stdout.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(Error::Internal(format!("cannot write the output: {e}"))),
            Ok(()) => Ok(()),
        };
    }
    till_core::save::save_file(out, &bytes)?;
    let saved = serde_json::json!({
        "path": out.display().to_string(),
        "format": format.as_str(),
        "bytes": bytes.len(),
    });
    ctx.out(&saved, |_| {
        format!(
            "{} saved to {} ({})",
            report.title(),
            out.display(),
            format.as_str()
        )
    })
}

/// The sales tables, then the average basket and the change of the main
/// figures against the comparison period.
fn sales_text(r: &SalesReport, tables: &[ReportTable], h: &Human) -> String {
    let mut text = text_tables(tables);
    text.push_str(&format!(
        "\nAverage basket: {}",
        h.money(r.totals.average_basket)
    ));
    if let (Some(c), Some(ch)) = (&r.compare, &r.change) {
        let pct = |v: Option<rust_decimal::Decimal>| match v {
            Some(v) if v.is_sign_negative() => format!("{v} %"),
            Some(v) => format!("+{v} %"),
            None => "n/a".into(),
        };
        text.push_str(&format!(
            "\nAgainst the comparison period: net {} ({} before, {}), orders {} ({} before, {})",
            h.money(r.totals.net),
            h.money(c.totals.net),
            pct(ch.net),
            r.totals.orders,
            c.totals.orders,
            pct(ch.orders),
        ));
    }
    text
}

/// Tables as aligned text: title, period, a header in capitals, the rows,
/// a rule and the totals; empty columns (a label no row has) left out.
pub(crate) fn text_tables(tables: &[ReportTable]) -> String {
    let mut out = Vec::new();
    for t in tables {
        out.push(t.title.clone());
        out.push(t.subtitle.clone());
        let lines: Vec<&Vec<String>> = t.rows.iter().chain(t.totals.iter()).collect();
        let shown: Vec<usize> = (0..t.columns.len())
            .filter(|&i| {
                !t.columns[i].label.is_empty()
                    || lines
                        .iter()
                        .any(|r| r.get(i).is_some_and(|c| !c.is_empty()))
            })
            .collect();
        let header: Vec<String> = t.columns.iter().map(|c| c.label.to_uppercase()).collect();
        let width = |i: usize| {
            lines
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..t.columns.len()).map(width).collect();
        let line = |cells: &[String]| -> String {
            shown
                .iter()
                .map(|&i| {
                    let cell = cells.get(i).map(String::as_str).unwrap_or("");
                    pad(cell, widths[i], &t.columns[i])
                })
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        out.push(line(&header));
        if t.rows.is_empty() {
            out.push("no figures in this period".into());
        }
        for r in &t.rows {
            out.push(line(r));
        }
        if let Some(totals) = &t.totals {
            let rule: usize =
                shown.iter().map(|&i| widths[i]).sum::<usize>() + 2 * shown.len().saturating_sub(1);
            out.push("-".repeat(rule));
            out.push(line(totals));
        }
        out.push(String::new());
    }
    out.join("\n").trim_end().to_string()
}

fn pad(cell: &str, width: usize, column: &Column) -> String {
    if column.numeric {
        format!("{cell:>width$}")
    } else {
        format!("{cell:<width$}")
    }
}

fn heatmap_text(cells: &[till_core::reports::HeatCell], h: &Human) -> String {
    if cells.is_empty() {
        return "no sales in the period".into();
    }
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut out = vec![format!(
        "{:<4} {:>5} {:>7} {:>14}",
        "DAY",
        "HOUR",
        "ORDERS",
        format!("NET {}", h.code())
    )];
    for c in cells {
        out.push(format!(
            "{:<4} {:>5} {:>7} {:>14}",
            DAYS.get(c.weekday as usize).copied().unwrap_or("?"),
            format!("{:02}:00", c.hour),
            c.orders,
            c.net
        ));
    }
    out.join("\n")
}
