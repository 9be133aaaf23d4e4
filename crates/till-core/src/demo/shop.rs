//! How the demo café is set up on its first morning: its pricing rules,
//! the weekly happy hour, the referral programme and, when the plan has
//! memberships, its coffee club.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use super::calendar;
use crate::catalog::ProductUpdate;
use crate::error::{Error, Result};
use crate::pricing::{Condition, Effect, FlashEffect, FlashSaleInput, RuleInput, Scope};
use crate::referrals::ProgramUpdate;
use crate::store::Store;

/// The membership tier of the demo's coffee club.
pub(crate) const CLUB: &str = "club";

/// The referral programme's return window, in days: commissions older than
/// this are approved on the Monday after.
pub(crate) const RETURN_DAYS: i64 = 14;

/// What the setup made, for the report.
pub(crate) struct Setup {
    pub rules: usize,
    pub flash_sales: usize,
}

fn pct(n: i64, scale: u32) -> Decimal {
    Decimal::new(n, scale)
}

/// Rules, the happy hour and the programme, set up on `first` (the
/// history's first day); `today` is the day the history ends, which the
/// sell-by dates are counted from so a markdown is on when the demo opens.
pub(crate) fn setup(
    store: &mut Store,
    tz: Tz,
    first: NaiveDate,
    today: NaiveDate,
) -> Result<Setup> {
    // Scarce specialty beans cost a little more.
    store.add_pricing_rule(RuleInput {
        condition: Condition::StockBelow(10),
        effect: Effect::Multiplier(pct(110, 2)),
        scope: Scope::Category("retail".into()),
        hysteresis: 0,
    })?;
    // Snacks near their best-before date are marked down.
    store.add_pricing_rule(RuleInput {
        condition: Condition::WithinDaysOfSellBy(7),
        effect: Effect::Multiplier(pct(80, 2)),
        scope: Scope::Category("snacks".into()),
        hysteresis: 0,
    })?;
    for (sku, days) in [("CHOC", 5), ("NUTS", 45)] {
        store.update_product(
            sku,
            ProductUpdate {
                sell_by: Some(Some(today + Days::new(days))),
                ..Default::default()
            },
        )?;
    }
    // Friday afternoon's happy hour, every week from the first Friday.
    let friday = (0..7)
        .map(|d| first + Days::new(d))
        .find(|d| d.weekday() == Weekday::Fri)
        .ok_or_else(|| Error::Internal("a week without a Friday".into()))?;
    let at = |h: u32| -> Result<DateTime<Utc>> {
        NaiveTime::from_hms_opt(h, 0, 0)
            .and_then(|t| calendar::local(tz, friday, t))
            .ok_or_else(|| Error::Internal(format!("{friday} {h}:00 does not exist in {tz}")))
    };
    store.create_flash_sale(FlashSaleInput {
        name: "Happy hour".into(),
        skus: Vec::new(),
        categories: vec!["coffee".into(), "tea".into()],
        effect: FlashEffect::Multiplier(pct(80, 2)),
        starts_at: at(15)?,
        ends_at: at(17)?,
        weekly: true,
    })?;
    store.set_referral_program(ProgramUpdate {
        percent: Some(Decimal::TEN),
        amount: None,
        window_days: Some(90),
        return_days: Some(RETURN_DAYS),
    })?;
    Ok(Setup {
        rules: 2,
        flash_sales: 1,
    })
}

/// Whether the store's plan has memberships now.
pub(crate) fn has_memberships(store: &Store) -> Result<bool> {
    Ok(store
        .plan(store.now())?
        .features
        .iter()
        .any(|f| f == "memberships"))
}

/// The coffee club: 10 % off for members, 5 a month.
pub(crate) fn coffee_club(store: &mut Store) -> Result<()> {
    store.add_membership_tier(CLUB, "Coffee club", Decimal::TEN, Decimal::new(500, 2))?;
    Ok(())
}
