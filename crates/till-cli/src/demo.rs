//! What `till init --demo` tells the user it made.

use till_core::demo::{
    bulk_history, parse_days, parse_orders, BulkOptions, BulkProgress, BulkReport, DemoReport, DAYS,
};

/// The lines after "created store …".
pub fn report(d: &DemoReport) -> String {
    let commissions: Vec<String> = d
        .commissions
        .iter()
        .map(|(status, n)| format!("{n} {status}"))
        .collect();
    let mut text = format!(
        "\n{} weeks of history up to {}: {} orders on {} days (revenue {}), {} refunds, {} deliveries\
         \n{} pricing rules, {} flash sale(s), {} bundles, {} customers ({} members), {} payout(s)\
         \ncommissions: {}\nseed {}",
        DAYS / 7,
        d.until,
        d.orders,
        d.days,
        d.revenue,
        d.refunds,
        d.deliveries,
        d.pricing_rules,
        d.flash_sales,
        d.bundles,
        d.customers,
        d.members,
        d.payouts,
        if commissions.is_empty() {
            "none".to_string()
        } else {
            commissions.join(", ")
        },
        d.seed
    );
    for n in &d.notes {
        text.push_str(&format!("\nnote: {n}"));
    }
    text
}

/// `till demo history`: the bulk history, its progress on stderr (stdout
/// is the JSON), and how long it took.
pub fn history(
    ctx: &crate::run::Ctx,
    store: &mut till_core::Store,
    orders: &str,
    days: &str,
    seed: &str,
) -> till_core::Result<()> {
    let options = BulkOptions {
        orders: parse_orders(orders)?,
        days: parse_days(days)?,
        seed: till_core::demo::parse_seed(till_core::input::Field::Seed, seed)?,
    };
    let started = std::time::Instant::now();
    let report = bulk_history(store, options, &mut |p: BulkProgress| {
        eprintln!(
            "day {}/{} ({}): {} orders, {:.0} s",
            p.day,
            p.days,
            p.date,
            p.orders,
            started.elapsed().as_secs_f64()
        );
    })?;
    let out = HistoryOut {
        report,
        seconds: (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
    };
    ctx.out(&out, |o| {
        format!(
            "{} orders ({} lines, {} refunds) over {} days, {} to {}, in {} s",
            o.report.orders,
            o.report.lines,
            o.report.refunds,
            o.report.days,
            o.report.from,
            o.report.to,
            o.seconds
        )
    })
}

#[derive(serde::Serialize)]
struct HistoryOut {
    #[serde(flatten)]
    report: BulkReport,
    /// Wall-clock seconds the run took.
    seconds: f64,
}
