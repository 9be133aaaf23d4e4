//! `till shift open|cash|status|close|list|show`: the cash drawer's shifts.
//! JSON is the core's `Shift` and `ShiftReport`, money as strings.

use std::fmt::Write;

use clap::{Args, Subcommand};
use till_core::forms::shift::{cash_amount, drawer_amount};
use till_core::input::Field;
use till_core::shifts::{CashMove, Shift, ShiftReport};
use till_core::{Result, Store};

use crate::human::{words, Human};
use crate::run::Ctx;

#[derive(Debug, Subcommand)]
pub enum ShiftCmd {
    /// Open a shift on this till with the cash in the drawer.
    /// JSON: {"id","opened_by","opened_at","float",...}.
    Open {
        /// The cash in the drawer now (the float).
        #[arg(long, value_name = "AMOUNT")]
        float: String,
    },
    /// Put cash into the drawer or take it out, with the reason; prints the
    /// X report after it.
    Cash(CashArgs),
    /// The X report of the shift open on this till.
    Status,
    /// Close the shift open on this till with the cash counted in the
    /// drawer; prints its Z report (with the variance), which is kept.
    Close {
        /// The cash counted in the drawer.
        #[arg(long, value_name = "AMOUNT")]
        counted: String,
    },
    /// Every shift, newest first.
    List,
    /// A shift's report: the Z report kept at its close, or the X report
    /// of an open one.
    Show { id: String },
}

#[derive(Debug, Args)]
pub struct CashArgs {
    #[command(flatten)]
    pub amount: CashAmountArgs,
    /// Why (e.g. "change from the bank", "paid the window cleaner").
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct CashAmountArgs {
    /// Cash put into the drawer.
    #[arg(long = "in", value_name = "AMOUNT")]
    pub cash_in: Option<String>,
    /// Cash taken out of the drawer.
    #[arg(long = "out", value_name = "AMOUNT")]
    pub cash_out: Option<String>,
}

pub fn run(ctx: &Ctx, store: &mut Store, cmd: ShiftCmd) -> Result<()> {
    let currency = store.settings().currency.clone();
    let h = &ctx.human;
    match cmd {
        ShiftCmd::Open { float } => {
            let float = drawer_amount(Field::Float, &float, &currency)?;
            let shift = store.shift_open(float)?;
            ctx.out(&shift, |s| {
                format!(
                    "shift {} opened by {} at {} with a float of {}",
                    s.id,
                    s.opened_by,
                    h.moment(s.opened_at),
                    h.money(s.float)
                )
            })
        }
        ShiftCmd::Cash(a) => {
            let (kind, text) = match a.amount {
                CashAmountArgs {
                    cash_in: Some(t), ..
                } => (CashMove::In, t),
                CashAmountArgs { cash_out, .. } => (CashMove::Out, cash_out.unwrap_or_default()),
            };
            let amount = cash_amount(&text, &currency)?;
            let report = store.shift_cash(kind, amount, &a.reason)?;
            ctx.out(&report, |r| report_text(r, h))
        }
        ShiftCmd::Status => {
            let report = store.shift_status()?;
            ctx.out(&report, |r| report_text(r, h))
        }
        ShiftCmd::Close { counted } => {
            let counted = drawer_amount(Field::Counted, &counted, &currency)?;
            let report = store.shift_close(counted)?;
            ctx.out(&report, |r| report_text(r, h))
        }
        ShiftCmd::List => {
            let list = store.shifts()?;
            ctx.out(&list, |l| list_text(l, h))
        }
        ShiftCmd::Show { id } => {
            let report = store.shift_report(&id)?;
            ctx.out(&report, |r| report_text(r, h))
        }
    }
}

fn list_text(list: &[Shift], h: &Human) -> String {
    if list.is_empty() {
        return "no shifts".into();
    }
    let mut s = format!(
        "{:<36}  {:<17}  {:<12}  {:>10}  {:>10}  CLOSED\n",
        "ID",
        "OPENED",
        "BY",
        format!("FLOAT {}", h.code()),
        "COUNTED"
    );
    for sh in list {
        let _ = writeln!(
            s,
            "{:<36}  {:<17}  {:<12}  {:>10}  {:>10}  {}",
            sh.id,
            h.moment(sh.opened_at),
            sh.opened_by,
            sh.float,
            sh.counted.map(|c| c.to_string()).unwrap_or_default(),
            match (&sh.closed_at, &sh.closed_by) {
                (Some(at), Some(by)) => format!("{} by {by}", h.moment(*at)),
                _ => "open".into(),
            }
        );
    }
    s
}

/// The X or Z report, one figure a line; amounts bare, the currency in
/// the heading.
fn report_text(r: &ShiftReport, h: &Human) -> String {
    let mut s = String::new();
    let kind = if r.closed_at.is_some() { "Z" } else { "X" };
    let _ = writeln!(
        s,
        "{kind} report of shift {} ({}), opened by {} at {}",
        r.id,
        h.code(),
        r.opened_by,
        h.moment(r.opened_at)
    );
    if let (Some(at), Some(by)) = (r.closed_at, &r.closed_by) {
        let _ = writeln!(s, "closed by {by} at {}", h.moment(at));
    }
    let line = |s: &mut String, label: &str, v: &dyn std::fmt::Display| {
        let _ = writeln!(s, "  {label:<16} {v:>12}");
    };
    line(&mut s, "Float", &r.float);
    line(&mut s, "Cash sales", &r.cash_sales);
    line(&mut s, "Cash refunds", &r.cash_refunds);
    line(&mut s, "Cash in", &r.cash_in);
    line(&mut s, "Cash out", &r.cash_out);
    line(&mut s, "Expected cash", &r.expected_cash);
    if let Some(c) = r.counted {
        line(&mut s, "Counted", &c);
    }
    if let Some(v) = r.variance {
        line(&mut s, "Variance", &v);
    }
    line(&mut s, "Card sales", &r.card_sales);
    line(&mut s, "Card refunds", &r.card_refunds);
    line(&mut s, "Orders", &r.orders);
    line(&mut s, "Refunds", &r.refunds);
    line(&mut s, "Discounts", &r.discounts);
    line(&mut s, "Tax", &r.tax);
    line(&mut s, "Net", &r.net);
    if !r.per_cashier.is_empty() {
        let _ = writeln!(s, "By cashier:");
        for c in &r.per_cashier {
            let _ = writeln!(
                s,
                "  {}: orders {}, refunds {}; cash sales {}, refunds {}, in {}, out {}; card sales {}, refunds {}; net {}",
                c.cashier,
                c.orders,
                c.refunds,
                c.cash_sales,
                c.cash_refunds,
                c.cash_in,
                c.cash_out,
                c.card_sales,
                c.card_refunds,
                c.net
            );
        }
    }
    if !r.cash_moves.is_empty() {
        let _ = writeln!(s, "Cash moves:");
        for m in &r.cash_moves {
            let _ = writeln!(
                s,
                "  {}  {:<3} {:>10}  {} ({})",
                h.moment(m.at),
                words(&m.kind),
                m.amount,
                m.reason,
                m.cashier
            );
        }
    }
    s
}
