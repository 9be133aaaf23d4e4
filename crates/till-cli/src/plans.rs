//! `till plan|license|feature|limit|usage|membership …`.

use std::fmt::Write;
use std::path::Path;

use till_core::input::time as parse_time;
use till_core::input::Field;
use till_core::plans::tiers::Limit;
use till_core::plans::usage::UsageReport;
use till_core::plans::{names, LicenseStatus, LimitStatus, PlanView};
use till_core::{Error, Result, Store};

use crate::cli::*;
use crate::human::{words, Human};
use crate::run::Ctx;

fn read(path: &Path, what: Field) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::invalid(what, format!("cannot read {}: {e}", path.display())))
}

fn limit_text(l: &Limit) -> String {
    match l {
        Limit::Unlimited => "unlimited".into(),
        Limit::Max(m) => m.normalize().to_string(),
    }
}

fn license_text(l: &LicenseStatus, h: &Human) -> String {
    let mut s = format!("license: {}", words(&l.state));
    if let Some(p) = &l.license {
        let _ = write!(
            s,
            " ({}, issued to {}, tier {})",
            p.license_id, p.issued_to, p.tier
        );
    }
    if let Some(e) = &l.expires_at {
        let _ = write!(s, "\n  expires {}", h.time(e));
    }
    if let Some(g) = &l.grace_until {
        let _ = write!(s, ", grace until {}", h.time(g));
    }
    if !l.unlocked.is_empty() {
        let names: Vec<String> = l.unlocked.iter().map(|f| names::feature(f)).collect();
        let _ = write!(s, "\n  unlocked: {}", names.join(", "));
    }
    s
}

fn plan_text(p: &PlanView, h: &Human) -> String {
    let name = |k: &String| {
        p.feature_names
            .get(k)
            .cloned()
            .unwrap_or_else(|| names::feature(k))
    };
    let features: Vec<String> = p.features.iter().map(name).collect();
    let mut s = format!(
        "tier: {} ({}) {} per month\nfeatures: {}\nlimits:\n",
        p.tier.name,
        p.tier.id,
        h.money(p.tier.price_monthly),
        features.join(", ")
    );
    for (k, v) in &p.tier.limits {
        let _ = writeln!(s, "  {:<14} {}", names::limit(k), limit_text(v));
    }
    s.push_str(&license_text(&p.license, h));
    if let Some(n) = &p.notice {
        let _ = write!(s, "\nnote: {n}");
    }
    s
}

pub fn plan(ctx: &Ctx, store: &mut Store, cmd: PlanCmd) -> Result<()> {
    match cmd {
        PlanCmd::Load { file } => {
            let doc = store.load_tiers(&read(&file, Field::TiersDocument)?)?;
            ctx.out(&doc, |d| {
                format!(
                    "loaded {} tiers: {}",
                    d.tiers.len(),
                    d.tiers
                        .iter()
                        .map(|t| t.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        }
        PlanCmd::Show => {
            let p = store.plan(store.now())?;
            ctx.out(&p, |p| plan_text(p, &ctx.human))
        }
        PlanCmd::Set { billing_day } => {
            let day = if billing_day.trim().is_empty() {
                None
            } else {
                let d = till_core::input::whole(Field::BillingDay, &billing_day)?;
                Some(u32::try_from(d).map_err(|_| {
                    Error::invalid(Field::BillingDay, format!("{d} must be 1 to 28"))
                })?)
            };
            store.set_billing_day(day)?;
            let p = store.plan(store.now())?;
            ctx.out(&p, |p| plan_text(p, &ctx.human))
        }
    }
}

pub fn license(ctx: &Ctx, store: &mut Store, cmd: LicenseCmd) -> Result<()> {
    match cmd {
        LicenseCmd::Install { file } => {
            let s = store.install_license(&read(&file, Field::License)?)?;
            ctx.out(&s, |s| license_text(s, &ctx.human))
        }
        LicenseCmd::Show => {
            let s = store.license_status(store.now())?;
            ctx.out(&s, |s| license_text(s, &ctx.human))
        }
    }
}

/// Prints the answer, then exits 3 (through `Error::Gated`) when gated.
pub fn feature(ctx: &Ctx, store: &Store, key: &str) -> Result<()> {
    match store.require_feature(key) {
        Ok(()) => ctx.out(
            &serde_json::json!({"feature": key.trim(), "available": true}),
            |_| format!("{} is available", names::feature(key.trim())),
        ),
        Err(e @ Error::Gated { .. }) => {
            ctx.out(
                &serde_json::json!({"feature": key.trim(), "available": false, "message": e.to_string()}),
                |_| String::new(),
            )?;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

pub fn limit(ctx: &Ctx, store: &Store, key: &str) -> Result<()> {
    let s: LimitStatus = store.limit_status(key)?;
    ctx.out(&s, |s| {
        format!(
            "{}: {} used of {}",
            names::limit(&s.key),
            s.used.normalize(),
            limit_text(&s.limit)
        )
    })?;
    if s.within {
        return Ok(());
    }
    Err(Error::Gated {
        key: s.key.clone(),
        message: format!(
            "{} is over its limit: {} used of {}",
            names::limit(&s.key),
            s.used.normalize(),
            limit_text(&s.limit)
        ),
    })
}

fn usage_text(r: &UsageReport, h: &Human) -> String {
    let mut s = format!(
        "period {} ({} .. {}), tier {}\n",
        r.period.label,
        h.time(&r.period.from),
        h.time(&r.period.to),
        r.tier
    );
    for (k, m) in &r.metrics {
        let bar = match m.limit {
            Limit::Max(max) if !max.is_zero() => {
                let share = (m.used / max).min(rust_decimal::Decimal::ONE);
                let n = (share * rust_decimal::Decimal::from(20))
                    .round()
                    .try_into()
                    .unwrap_or(0usize);
                format!("[{}{}]", "#".repeat(n), ".".repeat(20 - n))
            }
            _ => String::new(),
        };
        let name = if m.name.is_empty() {
            names::limit(k)
        } else {
            m.name.clone()
        };
        let _ = writeln!(
            s,
            "  {name:<14} {:>12} of {:<10} {bar}",
            m.used.normalize().to_string(),
            limit_text(&m.limit)
        );
    }
    s
}

pub fn usage(ctx: &Ctx, store: &mut Store, cmd: UsageCmd) -> Result<()> {
    match cmd {
        UsageCmd::Record {
            metric,
            quantity,
            at,
        } => {
            let q = till_core::money::parse_decimal(Field::Quantity, &quantity)?;
            let at = at.map(|t| parse_time(Field::At, &t)).transpose()?;
            let r = store.record_usage(&metric, q, at)?;
            ctx.out(&r, |r| {
                format!(
                    "recorded {} {} at {}",
                    r.quantity,
                    names::limit(&r.metric),
                    ctx.human.time(&r.occurred_at)
                )
            })
        }
        UsageCmd::Report { period, from, to } => {
            let (from, to, label) =
                store.usage_period(period.as_deref(), from.as_deref(), to.as_deref())?;
            let r = store.usage_report(from, to, label)?;
            ctx.out(&r, |r| usage_text(r, &ctx.human))
        }
    }
}

pub fn membership(ctx: &Ctx, store: &mut Store, cmd: MembershipCmd) -> Result<()> {
    let tiers_text = |l: &Vec<till_core::memberships::MembershipTier>| {
        if l.is_empty() {
            return "no membership tiers".to_string();
        }
        l.iter()
            .map(|t| {
                format!(
                    "{}  {}  {}% off, {} per month",
                    t.id,
                    t.name,
                    t.discount_percent,
                    ctx.human.money(t.fee_monthly)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    match cmd {
        MembershipCmd::Tier(MembershipTierCmd::Add {
            id,
            name,
            discount,
            fee,
        }) => {
            let (discount, fee) =
                till_core::input::member_terms(&discount, Some(&fee), &store.settings().currency)?;
            let t = store.add_membership_tier(&id, &name, discount, fee)?;
            ctx.out(&vec![t], tiers_text)
        }
        MembershipCmd::Tier(MembershipTierCmd::Load { file }) => {
            let l = store.load_membership_tiers(&read(&file, Field::MembershipTiers)?)?;
            ctx.out(&l, tiers_text)
        }
        MembershipCmd::Tier(MembershipTierCmd::List) => {
            let l = store.membership_tiers()?;
            ctx.out(&l, tiers_text)
        }
        MembershipCmd::Enroll {
            customer_id,
            tier_id,
            until,
        } => {
            let until = until
                .map(|u| till_core::input::date(Field::Until, &u))
                .transpose()?;
            let m = store.enroll(&customer_id, &tier_id, until)?;
            ctx.out(&m, |m| membership_text(m, &ctx.human))
        }
        MembershipCmd::Show { customer_id } => {
            store.customer(&customer_id)?;
            let m = store.membership(&customer_id)?;
            ctx.out(&m, |m| match m {
                Some(m) => membership_text(m, &ctx.human),
                None => "not a member".into(),
            })
        }
    }
}

fn membership_text(m: &till_core::memberships::Membership, h: &Human) -> String {
    format!(
        "{} in {} ({}% off) since {}{}{}",
        m.customer_id,
        m.tier_name,
        m.discount_percent,
        h.time(&m.since),
        m.until
            .map(|u| format!(" until {}", h.date(u)))
            .unwrap_or_default(),
        if m.active { "" } else { " (ended)" }
    )
}
