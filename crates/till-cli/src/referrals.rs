//! `till customer|affiliate|referral|program|commission|payout …`.

use std::fmt::Write;

use rust_decimal::Decimal;
use till_core::customers::{Customer, CustomerKind, CustomerUpdate, NewCustomer};
use till_core::input::time as parse_time;
use till_core::input::Field;
use till_core::referrals::{
    Commission, Payout, Program, ProgramUpdate, ReferrerDetail, ReferrerSummary,
};
use till_core::{Result, Store};

use crate::cli::*;
use crate::human::{words, Human};
use crate::run::Ctx;

fn new_person(p: PersonArgs, referral: Option<String>) -> NewCustomer {
    NewCustomer {
        name: p.name,
        email: p.email,
        phone: p.phone,
        notes: p.notes,
        referral_code: referral,
    }
}

/// "" clears an optional field.
fn clearable(v: Option<String>) -> Option<Option<String>> {
    v.map(|s| if s.trim().is_empty() { None } else { Some(s) })
}

pub fn customer(ctx: &Ctx, store: &mut Store, cmd: CustomerCmd) -> Result<()> {
    match cmd {
        CustomerCmd::Add { person, referral } => {
            let c = store.add_customer(CustomerKind::Customer, new_person(person, referral))?;
            ctx.out(&c, |c| c.id.clone())
        }
        CustomerCmd::List { search } => {
            let list = store.customers(Some(CustomerKind::Customer), search.as_deref())?;
            ctx.out(&list, |l| people(l))
        }
        CustomerCmd::Show { id } => {
            let c = store.customer(&id)?;
            ctx.out(&c, |c| person(c, &ctx.human))
        }
        CustomerCmd::Edit {
            id,
            name,
            email,
            phone,
            notes,
            active,
        } => {
            let c = store.update_customer(
                &id,
                CustomerUpdate {
                    name,
                    email: clearable(email),
                    phone: clearable(phone),
                    notes: clearable(notes),
                    active,
                },
            )?;
            ctx.out(&c, |c| person(c, &ctx.human))
        }
    }
}

pub fn affiliate(ctx: &Ctx, store: &mut Store, cmd: AffiliateCmd) -> Result<()> {
    match cmd {
        AffiliateCmd::Add { person } => {
            let c = store.add_customer(CustomerKind::Affiliate, new_person(person, None))?;
            ctx.out(&c, |c| c.id.clone())
        }
        AffiliateCmd::List { search } => {
            let list = store.customers(Some(CustomerKind::Affiliate), search.as_deref())?;
            ctx.out(&list, |l| people(l))
        }
    }
}

pub fn referral(ctx: &Ctx, store: &mut Store, cmd: ReferralCmd) -> Result<()> {
    match cmd {
        ReferralCmd::Code {
            referrer_id,
            expires,
        } => {
            let expires = expires
                .map(|t| parse_time(Field::Expires, &t))
                .transpose()?;
            let code = store.issue_referral_code(&referrer_id, expires)?;
            ctx.out(&code, |c| c.code.clone())
        }
        ReferralCmd::List => {
            let list = store.referrers()?;
            ctx.out(&list, |l| referrers(l, &ctx.human))
        }
        ReferralCmd::Show { referrer_id } => {
            let d = store.referrer(&referrer_id)?;
            ctx.out(&d, |d| referrer_detail(d, &ctx.human))
        }
    }
}

pub fn program(ctx: &Ctx, store: &mut Store, cmd: ProgramCmd) -> Result<()> {
    match cmd {
        ProgramCmd::Set {
            percent,
            amount,
            window_days,
            return_days,
        } => {
            let update = ProgramUpdate::parse(
                &store.settings().currency,
                percent.as_deref(),
                amount.as_deref(),
                window_days.as_deref(),
                return_days.as_deref(),
            )?;
            let p = store.set_referral_program(update)?;
            ctx.out(&p, |p| program_text(p, &ctx.human))
        }
        ProgramCmd::Show => {
            let p = store.referral_program()?;
            ctx.out(&p, |p| program_text(p, &ctx.human))
        }
    }
}

pub fn commission(ctx: &Ctx, store: &mut Store, cmd: CommissionCmd) -> Result<()> {
    match cmd {
        CommissionCmd::List { status, referrer } => {
            let status = status.map(|s| s.parse()).transpose()?;
            if let Some(r) = &referrer {
                store.customer(r)?;
            }
            let list = store.commissions(status, referrer.as_deref())?;
            ctx.out(&list, |l| entries(l, &ctx.human))
        }
        CommissionCmd::ApproveDue { at } => {
            let at = match at {
                Some(t) => parse_time(Field::At, &t)?,
                None => store.now(),
            };
            let list = store.approve_due_commissions(at)?;
            ctx.out(&list, |l| {
                let total: Decimal = l.iter().map(|c| c.amount).sum();
                format!(
                    "{} commissions approved ({})",
                    l.len(),
                    ctx.human.money(total)
                )
            })
        }
    }
}

pub fn payout(ctx: &Ctx, store: &mut Store, cmd: PayoutCmd) -> Result<()> {
    match cmd {
        PayoutCmd::Create {
            referrer,
            method,
            reference,
        } => {
            let p = store.create_payout(&referrer, &method, reference.as_deref())?;
            ctx.out(&p, |p| payout_text(p, &ctx.human))
        }
    }
}

fn person(c: &Customer, h: &Human) -> String {
    let mut s = format!("{}  {} ({})\n", c.id, c.name, words(&c.kind));
    let window = c.window_starts_at.as_deref().map(|t| h.time(t));
    for (label, v) in [
        ("email", &c.email),
        ("phone", &c.phone),
        ("notes", &c.notes),
        ("referred by", &c.referred_by),
        ("via code", &c.referral_code),
        ("window from", &window),
    ] {
        if let Some(v) = v {
            let _ = writeln!(s, "  {label:<12} {v}");
        }
    }
    if !c.active {
        s.push_str("  inactive\n");
    }
    s
}

fn people(list: &[Customer]) -> String {
    if list.is_empty() {
        return "nobody yet".into();
    }
    let mut s = String::new();
    for c in list {
        let _ = writeln!(
            s,
            "{}  {:<28} {:<28} {}{}",
            c.id,
            c.name,
            c.email.as_deref().unwrap_or(""),
            c.phone.as_deref().unwrap_or(""),
            if c.active { "" } else { " (inactive)" }
        );
    }
    s
}

fn program_text(p: &Program, h: &Human) -> String {
    let rate = match (p.percent, p.amount) {
        (Some(x), _) => format!("{}% of each order's net total", x.normalize()),
        (_, Some(a)) => format!("{} per order", h.money(a)),
        _ => "nothing".into(),
    };
    format!(
        "commission: {rate}\nwindow: {} days from a referred customer's first order\nreturn window: {} days before approval",
        p.window_days, p.return_days
    )
}

fn entries(list: &[Commission], h: &Human) -> String {
    if list.is_empty() {
        return "no commissions".into();
    }
    let mut s = String::new();
    for c in list {
        let _ = writeln!(
            s,
            "{}  {:<9} {:>14}  referrer {}  order {}  {}",
            c.id,
            words(&c.status),
            h.money(c.amount),
            c.referrer_id,
            c.order_id,
            h.time(&c.created_at)
        );
    }
    s
}

fn summary_line(r: &ReferrerSummary, h: &Human) -> String {
    format!(
        "{}  {:<24} pending {:>13}  approved {:>13}  paid {:>13}  balance {:>13}  {}",
        r.id,
        r.name,
        h.money(r.pending),
        h.money(r.approved),
        h.money(r.paid),
        h.money(r.balance),
        r.codes.join(" ")
    )
}

fn referrers(list: &[ReferrerSummary], h: &Human) -> String {
    if list.is_empty() {
        return "no referrers yet (issue a code with `till referral code ID`)".into();
    }
    list.iter()
        .map(|r| summary_line(r, h))
        .collect::<Vec<_>>()
        .join("\n")
}

fn referrer_detail(d: &ReferrerDetail, h: &Human) -> String {
    let mut s = summary_line(&d.summary, h);
    s.push('\n');
    for c in &d.code_list {
        let _ = writeln!(
            s,
            "  code {}{}",
            c.code,
            if c.active { "" } else { " (retired)" }
        );
    }
    s.push_str(&entries(&d.entries, h));
    for p in &d.payouts {
        s.push('\n');
        s.push_str(&payout_text(p, h));
    }
    s
}

fn payout_text(p: &Payout, h: &Human) -> String {
    format!(
        "payout {}: {} by {}{} on {} ({} entries)",
        p.id,
        h.money(p.amount),
        p.method,
        p.reference
            .as_ref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default(),
        h.time(&p.paid_at),
        p.entries.len()
    )
}
