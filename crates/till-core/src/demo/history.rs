//! Four weeks of the demo café's life, up to now, written through the
//! store's own operations with the clock set to each moment: deliveries
//! before opening, sales through the day, a Monday round of commission
//! approvals (and a payout), bundles approved from the first week's
//! baskets, a few refunds. Everything is drawn from one seeded generator
//! in a fixed order, so the same seed and the same "now" give the same
//! shop (ids and the device prefix aside).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use serde::Serialize;

use super::calendar::{self, Moment};
use super::catalog::{Supply, CATALOG};
use super::people::{self, Joins, Referrer, Referrers, REGULARS};
use super::{baskets, counter, shop};
use crate::bundles::pricing::BundleOffer;
use crate::bundles::SuggestParams;
use crate::checkout::SaleLine;
use crate::error::{Error, Result};
use crate::input::Field;
use crate::inventory::MovementKind;
use crate::orders::RefundRequest;
use crate::referrals::CommissionStatus;
use crate::store::{ts, Clock, Store};

/// The seed `till init --demo` uses unless given another.
pub const DEFAULT_SEED: u64 = 42;

/// Days of history, today included.
pub const DAYS: u64 = 28;

/// The day (from the first) the owner approves two of the bundles the
/// first week's baskets suggest.
const REVIEW_DAY: u64 = 7;

/// Days a customer brings something back; the one marked true is an order
/// a referrer earned on, so its commission is reversed.
const REFUNDS: &[(u64, bool)] = &[(3, false), (10, true), (17, false), (24, false)];

/// Sales today when the history ends before the shop's first sale of the
/// day (an early-bird or late-night demo).
const EARLY_SALES: usize = 3;

/// Of the sales with no new customer, the share made by a known one.
const KNOWN_CUSTOMER: f64 = 0.22;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    /// Where the history ends: the demo is made "now".
    pub now: DateTime<Utc>,
    /// A license to install first (the vendor's file, verified as
    /// `Store::install_license` does): with memberships in its plan, the
    /// demo has a coffee club and members.
    pub license: Option<String>,
}

/// What the demo made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemoReport {
    pub seed: u64,
    /// The first morning of the history and its end (RFC 3339).
    pub from: String,
    pub until: String,
    /// Days with sales.
    pub days: usize,
    pub orders: usize,
    pub refunds: usize,
    pub revenue: Decimal,
    pub deliveries: usize,
    pub pricing_rules: usize,
    pub flash_sales: usize,
    pub bundles: usize,
    /// Customers (the affiliate not counted).
    pub customers: usize,
    pub members: usize,
    pub payouts: usize,
    /// Commission entries by status.
    pub commissions: BTreeMap<String, usize>,
    /// What the demo left out, and why.
    pub notes: Vec<String>,
}

/// Checks a license for the demo before the store is made: signed by a key
/// this build trusts, for no store in particular (the demo's store is new),
/// and for a tier of Till's built-in plans (a new store has those).
pub fn check_license(text: &str) -> Result<()> {
    let license = crate::plans::license::verify(text)?;
    if let Some(store) = &license.store_id {
        return Err(Error::invalid(
            Field::License,
            format!("it was issued for the store {store}; the demo makes a new store, so it needs a license issued for no store in particular"),
        ));
    }
    let tiers = crate::plans::tiers::parse(crate::plans::tiers::DEFAULT_TIERS)?;
    if tiers.tier(&license.tier).is_none() {
        return Err(Error::invalid(
            Field::License,
            format!("its tier {:?} is not one of Till's plans", license.tier),
        ));
    }
    Ok(())
}

/// Builds the demo's history in a new store that holds nothing yet, and
/// puts the caller's clock back afterwards, whatever happened.
pub fn build(store: &mut Store, options: &DemoOptions) -> Result<DemoReport> {
    store.require(crate::roles::Permission::ManageSettings)?;
    let caller = store.clock();
    let result = History::run(store, options);
    store.set_clock(caller);
    result
}

/// A sale the history may later refund.
struct Sold {
    number: String,
    first_sku: String,
    day: u64,
    referred: bool,
}

enum Event {
    Delivery,
    /// Monday before opening: commissions past the return window are
    /// approved, and the blog is paid once.
    Office,
    ReviewBundles,
    /// A sale; with a regular's first visit when `Some`.
    Sale(Option<usize>),
    Refund {
        referred: bool,
    },
}

struct History<'s> {
    store: &'s mut Store,
    rng: StdRng,
    tz: Tz,
    now: DateTime<Utc>,
    first: NaiveDate,
    referrers: Referrers,
    /// Customers seen so far, and who referred them.
    regulars: Vec<(String, Option<Referrer>)>,
    memberships: bool,
    paid_blog: bool,
    sold: Vec<Sold>,
    days: BTreeSet<u64>,
    report: DemoReport,
}

fn clock_time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl<'s> History<'s> {
    fn run(store: &'s mut Store, options: &DemoOptions) -> Result<DemoReport> {
        if !store.products(None, true)?.is_empty() {
            return Err(Error::Refused(
                "the demo fills a new store; this one has products already".into(),
            ));
        }
        let tz = crate::settings::parse_time_zone(&store.settings().time_zone)?;
        let today = options.now.with_timezone(&tz).date_naive();
        let first = today - Days::new(DAYS - 1);
        let morning = calendar::local(tz, first, clock_time(6, 0))
            .ok_or_else(|| Error::Internal(format!("{first} 06:00 does not exist in {tz}")))?;
        store.set_clock(Clock::Fixed(morning));
        if let Some(license) = &options.license {
            store.install_license(license)?;
        }
        super::catalog::seed_catalog(store)?;
        let setup = shop::setup(store, tz, first, today)?;
        let referrers = people::referrers(store)?;
        let memberships = shop::has_memberships(store)?;
        let mut notes = Vec::new();
        if memberships {
            shop::coffee_club(store)?;
        } else {
            notes.push(format!(
                "no coffee club: memberships are not in this store's {} plan (a license that includes them adds the club and its members)",
                store.plan(morning)?.tier.name
            ));
        }
        let ann = referrers.ann_id.clone();
        let mut history = History {
            store,
            rng: StdRng::seed_from_u64(options.seed),
            tz,
            now: options.now,
            first,
            referrers,
            regulars: vec![(ann, None)],
            memberships,
            paid_blog: false,
            sold: Vec::new(),
            days: BTreeSet::new(),
            report: DemoReport {
                seed: options.seed,
                from: ts(morning),
                until: ts(options.now),
                days: 0,
                orders: 0,
                refunds: 0,
                revenue: Decimal::ZERO,
                deliveries: 0,
                pricing_rules: setup.rules,
                flash_sales: setup.flash_sales,
                bundles: 0,
                customers: 0,
                members: 0,
                payouts: 0,
                commissions: BTreeMap::new(),
                notes,
            },
        };
        for day in 0..DAYS {
            history.day(day)?;
        }
        history.finish()
    }

    fn date(&self, day: u64) -> NaiveDate {
        self.first + Days::new(day)
    }

    fn at(&self, day: u64, h: u32, m: u32) -> Result<DateTime<Utc>> {
        let date = self.date(day);
        calendar::local(self.tz, date, clock_time(h, m))
            .ok_or_else(|| Error::Internal(format!("{date} {h}:{m:02} does not exist")))
    }

    /// Plans a day's events in order, then lives them up to now.
    fn day(&mut self, day: u64) -> Result<()> {
        let date = self.date(day);
        let mut events: Vec<(DateTime<Utc>, Event)> = Vec::new();
        if day > 0 {
            if date.weekday() != Weekday::Sun {
                events.push((self.at(day, 6, 30)?, Event::Delivery));
            }
            if date.weekday() == Weekday::Mon {
                events.push((self.at(day, 6, 45)?, Event::Office));
            }
            if day == REVIEW_DAY {
                events.push((self.at(day, 6, 50)?, Event::ReviewBundles));
            }
        }
        let count = calendar::sales_on(date.weekday(), &mut self.rng);
        let mut times = calendar::sale_times(self.tz, date, count, &mut self.rng);
        if day == DAYS - 1 && !times.iter().any(|t| *t < self.now) {
            times = calendar::just_before(self.tz, self.now, EARLY_SALES, &mut self.rng);
        }
        let mut firsts = REGULARS
            .iter()
            .enumerate()
            .filter(|(_, r)| r.day as u64 == day)
            .map(|(i, _)| i);
        for (k, t) in times.iter().enumerate() {
            // New faces come in on every other sale from the second.
            let first_visit = if k % 2 == 1 { firsts.next() } else { None };
            events.push((*t, Event::Sale(first_visit)));
        }
        for (d, referred) in REFUNDS {
            if *d == day {
                if let Some(t) = calendar::during_opening(self.tz, date, &mut self.rng) {
                    events.push((
                        t,
                        Event::Refund {
                            referred: *referred,
                        },
                    ));
                }
            }
        }
        events.sort_by_key(|(t, _)| *t);
        for (t, event) in events {
            if t >= self.now {
                break;
            }
            self.store.set_clock(Clock::Fixed(t));
            match event {
                Event::Delivery => self.delivery(date.weekday())?,
                Event::Office => self.office(t)?,
                Event::ReviewBundles => self.review_bundles()?,
                Event::Sale(first_visit) => self.sale(day, t, first_visit)?,
                Event::Refund { referred } => self.refund(day, referred)?,
            }
        }
        Ok(())
    }

    /// Fresh goods every morning but Sunday, the rest on Mondays, each
    /// topped up to its opening stock.
    fn delivery(&mut self, weekday: Weekday) -> Result<()> {
        for item in CATALOG {
            let (due, reason) = match item.supply {
                Supply::Fresh => (true, "morning delivery"),
                Supply::Weekly => (weekday == Weekday::Mon, "weekly delivery"),
            };
            if !due {
                continue;
            }
            let on_hand = self.store.stock(item.sku)?.on_hand;
            if on_hand < item.stock {
                self.store.adjust_stock(
                    item.sku,
                    item.stock - on_hand,
                    MovementKind::Restock,
                    Some(reason),
                )?;
                self.report.deliveries += 1;
            }
        }
        Ok(())
    }

    fn office(&mut self, at: DateTime<Utc>) -> Result<()> {
        self.store.approve_due_commissions(at)?;
        if self.paid_blog {
            return Ok(());
        }
        let blog = self.referrers.blog_id.clone();
        if self
            .store
            .commissions(Some(CommissionStatus::Approved), Some(&blog))?
            .is_empty()
        {
            return Ok(());
        }
        match self
            .store
            .create_payout(&blog, "bank transfer", Some("TRF-0001"))
        {
            Ok(_) => {
                self.paid_blog = true;
                self.report.payouts += 1;
                Ok(())
            }
            // Reversals ate what was approved: nothing to pay this week.
            Err(Error::Refused(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Approves the two best suggestions: one at 10 % off, one at a round
    /// set price.
    fn review_bundles(&mut self) -> Result<()> {
        let found = self.store.bundle_suggestions(&SuggestParams::default())?;
        for (i, s) in found.suggestions.iter().take(2).enumerate() {
            let offer = if i == 0 {
                BundleOffer::PercentOff(Decimal::TEN)
            } else {
                // 15 % off, down to the half unit: "both for 5.00".
                let two = Decimal::TWO;
                let price = (s.regular_price * Decimal::new(85, 2) * two).floor() / two;
                BundleOffer::Price(self.store.settings().currency.round(price))
            };
            self.store
                .approve_suggestion(&s.key, None, Some(offer), None, None)?;
            self.report.bundles += 1;
        }
        if self.report.bundles < 2 {
            self.report.notes.push(format!(
                "the first week's baskets suggested {} bundle(s), not two",
                self.report.bundles
            ));
        }
        Ok(())
    }

    fn sale(&mut self, day: u64, t: DateTime<Utc>, first_visit: Option<usize>) -> Result<()> {
        let (customer, referrer, code) = match first_visit {
            Some(i) => {
                let r = &REGULARS[i];
                let id = people::add(self.store, r)?;
                self.regulars.push((id.clone(), r.referred_by));
                let code = r.referred_by.map(|by| self.referrers.code(by).to_string());
                (Some(id), r.referred_by, code)
            }
            None if self.rng.random_bool(KNOWN_CUSTOMER) => {
                let pick = self.rng.random_range(0..self.regulars.len());
                let (id, by) = &self.regulars[pick];
                (Some(id.clone()), *by, None)
            }
            None => (None, None, None),
        };
        let moment = Moment::at_hour(t.with_timezone(&self.tz).hour());
        let mut lines = Vec::new();
        for (sku, qty) in baskets::basket(moment, &mut self.rng) {
            // Sold out: the customer goes without.
            let on_hand = self.store.stock(sku)?.on_hand;
            if on_hand > 0 {
                lines.push(SaleLine {
                    code: sku.into(),
                    qty: qty.min(on_hand),
                    discount: None,
                    price: None,
                });
            }
        }
        if !lines.is_empty() {
            let receipt = counter::ring_up(
                &mut self.rng,
                self.store,
                lines,
                customer.as_deref(),
                code.as_deref(),
            )?;
            self.report.orders += 1;
            self.report.revenue += receipt.total;
            self.days.insert(day);
            self.sold.push(Sold {
                number: receipt.number,
                first_sku: receipt.lines[0].sku.clone(),
                day,
                referred: referrer.is_some(),
            });
        }
        if let (Some(i), Some(id)) = (first_visit, customer) {
            if let Some(joins) = REGULARS[i].joins.filter(|_| self.memberships) {
                let until = match joins {
                    Joins::Open => None,
                    Joins::ForDays(n) => Some(self.date(day) + Days::new(n as u64)),
                };
                self.store.set_clock(Clock::Fixed(t + Duration::minutes(1)));
                self.store.enroll(&id, shop::CLUB, until)?;
                self.report.members += 1;
            }
        }
        Ok(())
    }

    /// A customer brings something back: one item of a sale from the last
    /// few days, or the whole of an order a referrer earned on.
    fn refund(&mut self, day: u64, referred: bool) -> Result<()> {
        let candidates: Vec<usize> = (0..self.sold.len())
            .filter(|&i| {
                let s = &self.sold[i];
                if referred {
                    s.referred
                } else {
                    s.day + 3 >= day && s.day < day
                }
            })
            .collect();
        if candidates.is_empty() {
            return Ok(());
        }
        let sold = self
            .sold
            .remove(candidates[self.rng.random_range(0..candidates.len())]);
        self.store.refund(RefundRequest {
            order: sold.number,
            items: if referred {
                None
            } else {
                Some(vec![(sold.first_sku, 1)])
            },
            key: None,
        })?;
        self.report.refunds += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<DemoReport> {
        self.report.days = self.days.len();
        self.report.revenue = self.store.settings().currency.round(self.report.revenue);
        self.report.customers = self.regulars.len();
        for c in self.store.commissions(None, None)? {
            *self
                .report
                .commissions
                .entry(c.status.as_str().to_string())
                .or_default() += 1;
        }
        Ok(self.report)
    }
}
