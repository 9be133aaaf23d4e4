//! What `till init --demo` tells the user it made.

use till_core::demo::{DemoReport, DAYS};

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
