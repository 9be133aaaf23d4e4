//! Reports as files: CSV and PDF, the same for the CLI and the window.
//!
//! A report is first turned into neutral tables (`ReportTable`: a title,
//! the period, columns, rows of text and a totals row), then written:
//!
//! * CSV: one header row, `section` and then every column's key (the
//!   report's JSON keys: `key,label,orders,items,gross,…`), amounts as
//!   exact decimal text without a currency sign. `section` names the table
//!   each row comes from (`sales`, `compare` for the comparison period,
//!   `change`, `rates`, `products`, `categories`, `dynamic_pricing`,
//!   `flash_sales`, `bundles`, `referrals`, `memberships`, `stock`), and
//!   `sales_total`, `compare_total`… for a table's totals row, so a script
//!   filters on one column and never mistakes a total for a row. Tables with other columns
//!   leave the cells they lack empty.
//! * PDF: each table with its title and period, drawn by till-print
//!   (`tables_pdf`).
//!
//! Adding a report is one function building its tables and one arm of
//! `AnyReport`.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use super::{
    MarginReport, MarginRow, PlaybooksReport, PricingSide, SalesBy, SalesReport, SalesRow,
    StockReport, TaxReport,
};
use crate::error::{Error, Field, Result};
use crate::store::Store;

/// The file a report is exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Csv,
    Pdf,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 2] = [ReportFormat::Csv, ReportFormat::Pdf];

    /// Reads `--format`: `csv` or `pdf`.
    pub fn parse(text: &str) -> Result<ReportFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ReportFormat::Csv),
            "pdf" => Ok(ReportFormat::Pdf),
            _ => Err(Error::invalid(
                Field::Format,
                format!("{text:?} is not a report file format; use csv or pdf"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Csv => "csv",
            ReportFormat::Pdf => "pdf",
        }
    }
}

/// One column of a [`ReportTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The CSV header: the report's JSON key (`gross`).
    pub key: String,
    /// The PDF header (`Gross`).
    pub label: String,
    /// Numbers align right in the PDF.
    pub numeric: bool,
}

impl Column {
    fn text(key: &str, label: &str) -> Column {
        Column {
            key: key.into(),
            label: label.into(),
            numeric: false,
        }
    }

    fn number(key: &str, label: &str) -> Column {
        Column {
            key: key.into(),
            label: label.into(),
            numeric: true,
        }
    }
}

/// A report as a table of text: what the CSV and the PDF are written from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTable {
    /// The table's name in the CSV's `section` column (`sales`, `rates`).
    pub name: String,
    pub title: String,
    /// The period (local dates or times, with the time zone) and currency.
    pub subtitle: String,
    pub columns: Vec<Column>,
    /// One cell a column.
    pub rows: Vec<Vec<String>>,
    pub totals: Option<Vec<String>>,
}

/// A report of any kind, to be written as a file.
#[derive(Debug, Clone, Copy)]
pub enum AnyReport<'a> {
    Sales(&'a SalesReport),
    Tax(&'a TaxReport),
    Margin(&'a MarginReport),
    Playbooks(&'a PlaybooksReport),
    Stock(&'a StockReport),
}

impl<'a> From<&'a SalesReport> for AnyReport<'a> {
    fn from(r: &'a SalesReport) -> Self {
        AnyReport::Sales(r)
    }
}

impl<'a> From<&'a TaxReport> for AnyReport<'a> {
    fn from(r: &'a TaxReport) -> Self {
        AnyReport::Tax(r)
    }
}

impl<'a> From<&'a MarginReport> for AnyReport<'a> {
    fn from(r: &'a MarginReport) -> Self {
        AnyReport::Margin(r)
    }
}

impl<'a> From<&'a PlaybooksReport> for AnyReport<'a> {
    fn from(r: &'a PlaybooksReport) -> Self {
        AnyReport::Playbooks(r)
    }
}

impl<'a> From<&'a StockReport> for AnyReport<'a> {
    fn from(r: &'a StockReport) -> Self {
        AnyReport::Stock(r)
    }
}

impl AnyReport<'_> {
    /// The report's tables, its periods read in `tz`.
    pub fn tables(self, tz: Tz) -> Result<Vec<ReportTable>> {
        match self {
            AnyReport::Sales(r) => sales_tables(r, tz),
            AnyReport::Tax(r) => tax_tables(r, tz),
            AnyReport::Margin(r) => margin_tables(r, tz),
            AnyReport::Playbooks(r) => playbooks_tables(r, tz),
            AnyReport::Stock(r) => stock_tables(r, tz),
        }
    }

    /// The document's title.
    pub fn title(self) -> &'static str {
        match self {
            AnyReport::Sales(_) => "Sales report",
            AnyReport::Tax(_) => "Tax report",
            AnyReport::Margin(_) => "Margin report",
            AnyReport::Playbooks(_) => "Playbooks report",
            AnyReport::Stock(_) => "Stock report",
        }
    }
}

impl Store {
    /// `report` as a CSV or PDF file's bytes, its periods in the store's
    /// time zone. Asks no permission: the report was already made.
    pub fn report_file(&self, report: AnyReport<'_>, format: ReportFormat) -> Result<Vec<u8>> {
        let tz = crate::locale::parse_time_zone(&self.settings.time_zone)?;
        let tables = report.tables(tz)?;
        match format {
            ReportFormat::Csv => Ok(to_csv(&tables)?.into_bytes()),
            ReportFormat::Pdf => Ok(to_pdf(report.title(), &tables)),
        }
    }
}

/// The tables as one CSV: a header row of `section` and every column key
/// (in the order they first appear), then each table's rows and totals.
pub fn to_csv(tables: &[ReportTable]) -> Result<String> {
    let mut keys: Vec<&str> = Vec::new();
    for t in tables {
        for c in &t.columns {
            if !keys.contains(&c.key.as_str()) {
                keys.push(&c.key);
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Internal(format!("cannot write the CSV: {e}"));
    w.write_record(std::iter::once("section").chain(keys.iter().copied()))
        .map_err(fail)?;
    for t in tables {
        let total_name = format!("{}_total", t.name);
        let rows = t
            .rows
            .iter()
            .map(|r| (t.name.as_str(), r))
            .chain(t.totals.iter().map(|r| (total_name.as_str(), r)));
        for (section, row) in rows {
            let mut record = vec![section];
            for k in &keys {
                let cell = t
                    .columns
                    .iter()
                    .position(|c| c.key == *k)
                    .and_then(|i| row.get(i))
                    .map(String::as_str)
                    .unwrap_or("");
                record.push(cell);
            }
            w.write_record(&record).map_err(fail)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Internal(format!("cannot write the CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))
}

/// The tables as an A4 PDF titled `title`.
pub fn to_pdf(title: &str, tables: &[ReportTable]) -> Vec<u8> {
    let tables: Vec<till_print::PdfTable> = tables
        .iter()
        .map(|t| till_print::PdfTable {
            title: t.title.clone(),
            subtitle: t.subtitle.clone(),
            columns: t
                .columns
                .iter()
                .map(|c| till_print::PdfColumn {
                    label: c.label.clone(),
                    numeric: c.numeric,
                })
                .collect(),
            rows: t.rows.clone(),
            totals: t.totals.clone(),
        })
        .collect();
    till_print::tables_pdf(title, &tables)
}

/// "2026-11-01 to 2026-11-07 (Europe/Berlin), amounts in EUR": whole local
/// days as dates (the last one inclusive), else local times.
pub fn period_text(from: &str, to: &str, tz: Tz, currency: &str) -> Result<String> {
    Ok(format!(
        "{} ({}), amounts in {currency}",
        span(from, to, tz)?,
        tz.name()
    ))
}

/// The period alone: "2026-11-01 to 2026-11-07", "2026-11-01 14:00 to
/// 2026-11-01 18:30".
fn span(from: &str, to: &str, tz: Tz) -> Result<String> {
    let read = |field: Field, t: &str| -> Result<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| Error::invalid(field, format!("{t:?} is not an RFC 3339 time ({e})")))
    };
    let (f, t) = (read(Field::From, from)?, read(Field::To, to)?);
    let (lf, lt) = (f.with_timezone(&tz), t.with_timezone(&tz));
    let midnight = |l: &DateTime<Tz>| {
        l.time() == NaiveTime::MIN
            || crate::locale::day_start(tz, l.date_naive()) == l.with_timezone(&Utc)
    };
    Ok(if midnight(&lf) && midnight(&lt) && t > f {
        let last = lt.date_naive() - Duration::days(1);
        if last == lf.date_naive() {
            last.to_string()
        } else {
            format!("{} to {last}", lf.date_naive())
        }
    } else {
        format!(
            "{} to {}",
            lf.format("%Y-%m-%d %H:%M"),
            lt.format("%Y-%m-%d %H:%M")
        )
    })
}

fn n(v: i64) -> String {
    v.to_string()
}

fn d(v: Decimal) -> String {
    v.to_string()
}

fn opt(v: Option<Decimal>) -> String {
    v.map(d).unwrap_or_default()
}

const SALES_FIGURES: [(&str, &str); 9] = [
    ("orders", "Orders"),
    ("items", "Items"),
    ("gross", "Gross"),
    ("discounts", "Discounts"),
    ("refunds", "Refunds"),
    ("net", "Net"),
    ("tax", "Tax"),
    ("cost", "Cost"),
    ("margin", "Margin"),
];

fn sales_row(r: &SalesRow) -> Vec<String> {
    vec![
        r.key.clone(),
        r.label.clone(),
        n(r.orders),
        n(r.items),
        d(r.gross),
        d(r.discounts),
        d(r.refunds),
        d(r.net),
        d(r.tax),
        d(r.cost),
        d(r.margin),
    ]
}

/// A sales report: its rows and totals, then the comparison period's, then
/// each total against the comparison (`change`: figure, current, compare,
/// change_percent). Each period's average basket (a total with no column)
/// is in its subtitle.
pub fn sales_tables(r: &SalesReport, tz: Tz) -> Result<Vec<ReportTable>> {
    let mut columns = vec![Column::text("key", by_label(r)), Column::text("label", "")];
    columns.extend(SALES_FIGURES.iter().map(|(k, l)| Column::number(k, l)));
    let table = |name: &str, title: String, r: &SalesReport| -> Result<ReportTable> {
        let t = &r.totals;
        let mut subtitle = period_text(&r.from, &r.to, tz, &r.currency)?;
        subtitle.push_str(&format!(", average basket {}", t.average_basket));
        if t.estimated_lines > 0 {
            subtitle.push_str(&format!(
                ", {} lines at today's cost (sold before costs were kept)",
                t.estimated_lines
            ));
        }
        Ok(ReportTable {
            name: name.into(),
            title,
            subtitle,
            columns: columns.clone(),
            rows: r.rows.iter().map(sales_row).collect(),
            totals: Some(vec![
                "Total".into(),
                String::new(),
                n(t.orders),
                n(t.items),
                d(t.gross),
                d(t.discounts),
                d(t.refunds),
                d(t.net),
                d(t.tax),
                d(t.cost),
                d(t.margin),
            ]),
        })
    };
    let by = r.by.as_str();
    let mut out = vec![table("sales", format!("Sales by {by}"), r)?];
    if let (Some(c), Some(ch)) = (&r.compare, &r.change) {
        out.push(table(
            "compare",
            format!("Sales by {by}, comparison period"),
            c,
        )?);
        let (a, b) = (&r.totals, &c.totals);
        let rows = vec![
            ("orders", n(a.orders), n(b.orders), ch.orders),
            ("items", n(a.items), n(b.items), ch.items),
            ("gross", d(a.gross), d(b.gross), ch.gross),
            ("discounts", d(a.discounts), d(b.discounts), ch.discounts),
            ("refunds", d(a.refunds), d(b.refunds), ch.refunds),
            ("net", d(a.net), d(b.net), ch.net),
            ("tax", d(a.tax), d(b.tax), ch.tax),
            ("cost", d(a.cost), d(b.cost), ch.cost),
            ("margin", d(a.margin), d(b.margin), ch.margin),
            (
                "average_basket",
                d(a.average_basket),
                d(b.average_basket),
                ch.average_basket,
            ),
        ];
        out.push(ReportTable {
            name: "change".into(),
            title: "Against the comparison period".into(),
            subtitle: format!(
                "{} against {}",
                span(&r.from, &r.to, tz)?,
                period_text(&c.from, &c.to, tz, &c.currency)?
            ),
            columns: vec![
                Column::text("figure", "Figure"),
                Column::number("current", "Period"),
                Column::number("compare", "Comparison"),
                Column::number("change_percent", "Change %"),
            ],
            rows: rows
                .into_iter()
                .map(|(k, now, before, pct)| vec![k.into(), now, before, opt(pct)])
                .collect(),
            totals: None,
        });
    }
    Ok(out)
}

fn by_label(r: &SalesReport) -> &'static str {
    match r.by {
        SalesBy::Day => "Day",
        SalesBy::Week => "Week",
        SalesBy::Month => "Month",
        SalesBy::Hour => "Hour",
        SalesBy::Weekday => "Weekday",
        SalesBy::Product => "SKU",
        SalesBy::Category => "Category",
        SalesBy::Cashier => "Cashier",
        SalesBy::Tender => "Tender",
        SalesBy::Customer => "Customer",
    }
}

/// The tax report: per rate, sales and refunds apart, and the tax owed
/// (`net_tax`: tax less refunded tax); the totals row's `net_tax` is the
/// report's `total_tax`.
pub fn tax_tables(r: &TaxReport, tz: Tz) -> Result<Vec<ReportTable>> {
    let sum = |f: fn(&super::TaxRateRow) -> Decimal| d(r.rates.iter().map(f).sum());
    Ok(vec![ReportTable {
        name: "rates".into(),
        title: "Tax by rate".into(),
        subtitle: period_text(&r.from, &r.to, tz, &r.currency)?,
        columns: vec![
            Column::number("rate", "Rate %"),
            Column::number("taxable", "Taxable"),
            Column::number("tax", "Tax"),
            Column::number("refunded_taxable", "Refunded taxable"),
            Column::number("refunded_tax", "Refunded tax"),
            Column::number("net_tax", "Tax owed"),
        ],
        rows: r
            .rates
            .iter()
            .map(|x| {
                vec![
                    d(x.rate),
                    d(x.taxable),
                    d(x.tax),
                    d(x.refunded_taxable),
                    d(x.refunded_tax),
                    d(x.tax - x.refunded_tax),
                ]
            })
            .collect(),
        totals: Some(vec![
            "Total".into(),
            sum(|x| x.taxable),
            sum(|x| x.tax),
            sum(|x| x.refunded_taxable),
            sum(|x| x.refunded_tax),
            d(r.total_tax),
        ]),
    }])
}

fn margin_row(r: &MarginRow) -> Vec<String> {
    vec![
        r.key.clone(),
        r.label.clone(),
        n(r.items),
        d(r.net),
        d(r.cost),
        d(r.margin),
        opt(r.margin_percent),
        n(r.estimated_lines),
    ]
}

/// The margin report: per product, then per category; the products' table
/// carries the total.
pub fn margin_tables(r: &MarginReport, tz: Tz) -> Result<Vec<ReportTable>> {
    let subtitle = period_text(&r.from, &r.to, tz, &r.currency)?;
    let columns = |key: &str| {
        vec![
            Column::text("key", key),
            Column::text("label", ""),
            Column::number("items", "Items"),
            Column::number("net", "Net"),
            Column::number("cost", "Cost"),
            Column::number("margin", "Margin"),
            Column::number("margin_percent", "Margin %"),
            Column::number("estimated_lines", "Lines at today's cost"),
        ]
    };
    let mut total = margin_row(&r.total);
    total[0] = "Total".into();
    total[1] = String::new();
    Ok(vec![
        ReportTable {
            name: "products".into(),
            title: "Margin by product".into(),
            subtitle: subtitle.clone(),
            columns: columns("SKU"),
            rows: r.products.iter().map(margin_row).collect(),
            totals: Some(total),
        },
        ReportTable {
            name: "categories".into(),
            title: "Margin by category".into(),
            subtitle,
            columns: columns("Category"),
            rows: r.categories.iter().map(margin_row).collect(),
            totals: None,
        },
    ])
}

/// The playbooks report: one table a playbook (`dynamic_pricing`,
/// `flash_sales`, `bundles`, `referrals`, `memberships`), keyed as its JSON.
pub fn playbooks_tables(r: &PlaybooksReport, tz: Tz) -> Result<Vec<ReportTable>> {
    let subtitle = period_text(&r.from, &r.to, tz, &r.currency)?;
    let table =
        |name: &str, title: &str, columns: Vec<Column>, rows: Vec<Vec<String>>| ReportTable {
            name: name.into(),
            title: title.into(),
            subtitle: subtitle.clone(),
            columns,
            rows,
            totals: None,
        };
    let dp = &r.dynamic_pricing;
    let side = |name: &str, s: &PricingSide| {
        vec![
            name.to_string(),
            n(s.units),
            d(s.revenue),
            d(s.base_revenue),
            d(s.difference),
        ]
    };
    let mut pricing = table(
        "dynamic_pricing",
        "Dynamic pricing: lines sold above and below their base price",
        vec![
            Column::text("side", "Side"),
            Column::number("units", "Units"),
            Column::number("revenue", "Revenue"),
            Column::number("base_revenue", "At base price"),
            Column::number("difference", "Difference"),
        ],
        vec![side("above", &dp.above), side("below", &dp.below)],
    );
    pricing.totals = Some(vec![
        "Total".into(),
        n(dp.above.units + dp.below.units),
        d(dp.above.revenue + dp.below.revenue),
        d(dp.above.base_revenue + dp.below.base_revenue),
        d(dp.difference),
    ]);
    let flash = table(
        "flash_sales",
        "Flash sales",
        vec![
            Column::number("id", "Id"),
            Column::text("name", "Name"),
            Column::number("orders", "Orders"),
            Column::number("units", "Units"),
            Column::number("revenue", "Revenue"),
            Column::number("discount", "Discount"),
            Column::number("hours", "Hours"),
            Column::number("units_per_hour", "Units/hour"),
            Column::number("baseline_units_per_hour", "4 weeks before"),
            Column::number("lift_percent", "Lift %"),
        ],
        r.flash_sales
            .iter()
            .map(|f| {
                vec![
                    n(f.id),
                    f.name.clone(),
                    n(f.orders),
                    n(f.units),
                    d(f.revenue),
                    d(f.discount),
                    n(f.hours),
                    d(f.units_per_hour),
                    d(f.baseline_units_per_hour),
                    opt(f.lift_percent),
                ]
            })
            .collect(),
    );
    let bundles = table(
        "bundles",
        "Bundles",
        vec![
            Column::number("id", "Id"),
            Column::text("name", "Name"),
            Column::number("sets", "Sets"),
            Column::number("orders", "Orders"),
            Column::number("discount", "Discount"),
            Column::number("first_item_orders", "Orders with first item"),
            Column::number("attach_rate", "Attach rate %"),
        ],
        r.bundles
            .iter()
            .map(|b| {
                vec![
                    n(b.id),
                    b.name.clone(),
                    n(b.sets),
                    n(b.orders),
                    d(b.discount),
                    n(b.first_item_orders),
                    opt(b.attach_rate),
                ]
            })
            .collect(),
    );
    let f = &r.referrals;
    let referrals = table(
        "referrals",
        "Referrals",
        vec![
            Column::number("orders", "Orders"),
            Column::number("revenue", "Revenue"),
            Column::number("commissions_accrued", "Commissions accrued"),
            Column::number("commissions_reversed", "Reversed"),
            Column::number("commissions_paid", "Paid"),
        ],
        vec![vec![
            n(f.orders),
            d(f.revenue),
            d(f.commissions_accrued),
            d(f.commissions_reversed),
            d(f.commissions_paid),
        ]],
    );
    let m = &r.memberships;
    let memberships = table(
        "memberships",
        "Memberships",
        vec![
            Column::number("orders", "Orders"),
            Column::number("units", "Units"),
            Column::number("revenue", "Revenue"),
            Column::number("discount", "Discount"),
        ],
        vec![vec![n(m.orders), n(m.units), d(m.revenue), d(m.discount)]],
    );
    Ok(vec![pricing, flash, bundles, referrals, memberships])
}

/// The stock report: one row a product, the total value at cost.
pub fn stock_tables(r: &StockReport, tz: Tz) -> Result<Vec<ReportTable>> {
    let at = DateTime::parse_from_rfc3339(&r.as_of)
        .map_err(|e| Error::Internal(format!("the stock report's time {:?}: {e}", r.as_of)))?
        .with_timezone(&tz);
    Ok(vec![ReportTable {
        name: "stock".into(),
        title: "Stock".into(),
        subtitle: format!(
            "As of {} ({}), amounts in {}; sold over the last {} days",
            at.format("%Y-%m-%d %H:%M"),
            tz.name(),
            r.currency,
            super::PACE_DAYS
        ),
        columns: vec![
            Column::text("sku", "SKU"),
            Column::text("name", "Name"),
            Column::text("category", "Category"),
            Column::number("on_hand", "On hand"),
            Column::number("unit_cost", "Unit cost"),
            Column::number("value", "Value"),
            Column::number("sold_28d", "Sold"),
            Column::number("per_day", "Per day"),
            Column::number("days_of_cover", "Days of cover"),
        ],
        rows: r
            .products
            .iter()
            .map(|p| {
                vec![
                    p.sku.clone(),
                    p.name.clone(),
                    p.category.clone().unwrap_or_default(),
                    n(p.on_hand),
                    opt(p.unit_cost),
                    d(p.value),
                    n(p.sold_28d),
                    d(p.per_day),
                    opt(p.days_of_cover),
                ]
            })
            .collect(),
        totals: Some(vec![
            "Total".into(),
            String::new(),
            String::new(),
            n(r.products.iter().map(|p| p.on_hand).sum()),
            String::new(),
            d(r.total_value),
            n(r.products.iter().map(|p| p.sold_28d).sum()),
            String::new(),
            String::new(),
        ]),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_csv_and_pdf() {
        assert_eq!(ReportFormat::parse(" PDF ").unwrap(), ReportFormat::Pdf);
        assert_eq!(ReportFormat::parse("csv").unwrap(), ReportFormat::Csv);
        let e = ReportFormat::parse("xls").unwrap_err().to_string();
        assert!(
            e.contains("csv") && e.contains("pdf") && e.contains("xls"),
            "{e}"
        );
    }

    #[test]
    fn whole_local_days_read_as_dates() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let p = period_text("2026-10-31T23:00:00Z", "2026-11-07T23:00:00Z", tz, "EUR").unwrap();
        assert_eq!(
            p,
            "2026-11-01 to 2026-11-07 (Europe/Berlin), amounts in EUR"
        );
        let p = period_text("2026-10-31T23:00:00Z", "2026-11-01T23:00:00Z", tz, "EUR").unwrap();
        assert_eq!(p, "2026-11-01 (Europe/Berlin), amounts in EUR");
        let p = period_text("2026-11-01T13:00:00Z", "2026-11-01T17:30:00Z", tz, "EUR").unwrap();
        assert_eq!(
            p,
            "2026-11-01 14:00 to 2026-11-01 18:30 (Europe/Berlin), amounts in EUR"
        );
    }

    #[test]
    fn csv_has_one_header_and_sections() {
        let t = |name: &str, cols: &[&str]| ReportTable {
            name: name.into(),
            title: name.into(),
            subtitle: String::new(),
            columns: cols.iter().map(|c| Column::text(c, c)).collect(),
            rows: vec![cols.iter().map(|c| format!("{name}.{c}")).collect()],
            totals: Some(cols.iter().map(|_| "T,\"x\"".to_string()).collect()),
        };
        let csv = to_csv(&[t("a", &["key", "net"]), t("b", &["key", "rate"])]).unwrap();
        assert_eq!(
            csv,
            "section,key,net,rate\n\
             a,a.key,a.net,\n\
             a_total,\"T,\"\"x\"\"\",\"T,\"\"x\"\"\",\n\
             b,b.key,,b.rate\n\
             b_total,\"T,\"\"x\"\"\",,\"T,\"\"x\"\"\"\n"
        );
    }
}
