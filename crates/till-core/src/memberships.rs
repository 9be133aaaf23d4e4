//! The shop's own memberships for its customers ("Coffee club": 10 % off
//! for members, a monthly fee), defined in the tiers format with a
//! `discount_percent`. A member's discount joins the pricing pipeline after
//! the stock and sell-by rules and before flash sales; a membership counts
//! through its `until` day (store time zone) and not after.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::Field;
use crate::plans::tiers;
use crate::roles::Permission;
use crate::store::{ts, Store};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MembershipTier {
    pub id: String,
    pub name: String,
    pub fee_monthly: Decimal,
    pub discount_percent: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Membership {
    pub customer_id: String,
    pub tier_id: String,
    pub tier_name: String,
    pub discount_percent: Decimal,
    pub since: String,
    /// Last day it counts (store time zone); None: no end.
    pub until: Option<NaiveDate>,
    /// In force today.
    pub active: bool,
}

/// The member discount pricing applies: a percentage, with the tier's name
/// for the explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberDiscount {
    pub tier_name: String,
    pub percent: Decimal,
}

fn today(store_tz: &str, at: DateTime<Utc>) -> Result<NaiveDate> {
    let tz = crate::settings::parse_time_zone(store_tz)?;
    Ok(at.with_timezone(&tz).date_naive())
}

/// The membership of a customer, if any (active or not).
pub(crate) fn membership_of(
    conn: &Connection,
    store_tz: &str,
    customer_id: &str,
    at: DateTime<Utc>,
) -> Result<Option<Membership>> {
    let row = conn
        .prepare_cached(
            "SELECT m.customer_id, m.tier_id, t.name, t.discount_percent, m.since, m.until
             FROM memberships m JOIN membership_tiers t ON t.id = m.tier_id WHERE m.customer_id = ?1",
        )?
        .query_row([customer_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                crate::stored::decimal(r, 3)?,
                crate::stored::time(r, 4).map(crate::store::ts)?,
                crate::stored::opt_date(r, 5)?,
            ))
        })
        .optional()?;
    let Some((customer_id, tier_id, tier_name, discount_percent, since, until)) = row else {
        return Ok(None);
    };
    let active = until.is_none_or(|u| today(store_tz, at).map(|d| d <= u).unwrap_or(false));
    Ok(Some(Membership {
        customer_id,
        tier_id,
        tier_name,
        discount_percent,
        since,
        until,
        active,
    }))
}

/// The discount a customer gets at `at`, if they are a member then.
pub(crate) fn discount_for(
    conn: &Connection,
    store_tz: &str,
    customer_id: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Option<MemberDiscount>> {
    let Some(id) = customer_id else {
        return Ok(None);
    };
    Ok(membership_of(conn, store_tz, id, at)?
        .filter(|m| m.active && m.discount_percent > Decimal::ZERO)
        .map(|m| MemberDiscount {
            tier_name: m.tier_name,
            percent: m.discount_percent,
        }))
}

impl Store {
    /// Adds (or replaces) membership tiers from a document in the tiers
    /// format; each tier may give `discount_percent` (0-100).
    pub fn load_membership_tiers(&mut self, text: &str) -> Result<Vec<MembershipTier>> {
        let auth = self.require(Permission::ManagePricing)?;
        self.require_feature("memberships")?;
        let doc = tiers::parse(text)?;
        let mut out = Vec::new();
        for (i, t) in doc.tiers.iter().enumerate() {
            let discount = match t.extra.get("discount_percent") {
                None => Decimal::ZERO,
                Some(v) => {
                    let d = v
                        .as_str()
                        .map(str::to_string)
                        .or_else(|| v.as_number().map(|n| n.to_string()))
                        .and_then(|s| s.parse::<Decimal>().ok())
                        .ok_or_else(|| {
                            Error::invalid(
                                Field::MembershipTiers,
                                format!("tiers[{i}].discount_percent: {v} is not a number"),
                            )
                        })?;
                    if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
                        return Err(Error::invalid(
                            Field::MembershipTiers,
                            format!("tiers[{i}].discount_percent: {d} must be between 0 and 100"),
                        ));
                    }
                    d
                }
            };
            out.push((
                MembershipTier {
                    id: t.id.clone(),
                    name: t.name.clone(),
                    fee_monthly: t.price_monthly,
                    discount_percent: discount.normalize(),
                },
                serde_json::to_string(t).map_err(|e| Error::Internal(e.to_string()))?,
            ));
        }
        let now = self.now();
        let at = ts(now);
        let tx = self.write_tx()?;
        for (t, doc) in &out {
            tx.execute(
                "INSERT INTO membership_tiers (id, name, fee_monthly, discount_percent, doc, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, fee_monthly = excluded.fee_monthly,
                   discount_percent = excluded.discount_percent, doc = excluded.doc",
                params![t.id, t.name, t.fee_monthly.to_string(), t.discount_percent.to_string(), doc, at],
            )?;
        }
        crate::audit::record(
            &tx,
            &auth,
            now,
            "membership_tiers.load",
            None,
            serde_json::json!({
                "tiers": out.iter().map(|(t, _)| serde_json::json!({
                    "id": t.id,
                    "name": t.name,
                    "fee_monthly": t.fee_monthly.to_string(),
                    "discount_percent": t.discount_percent.to_string(),
                })).collect::<Vec<_>>(),
            }),
        )?;
        tx.commit()?;
        Ok(out.into_iter().map(|(t, _)| t).collect())
    }

    /// One membership tier from its parts (the CLI's `tier add`).
    pub fn add_membership_tier(
        &mut self,
        id: &str,
        name: &str,
        discount_percent: Decimal,
        fee_monthly: Decimal,
    ) -> Result<MembershipTier> {
        let doc = serde_json::json!({"tiers": [{
            "id": id, "name": name, "price_monthly": fee_monthly.to_string(),
            "features": ["member_discount"], "limits": {},
            "discount_percent": discount_percent.to_string(),
        }]});
        let mut list = self.load_membership_tiers(&doc.to_string())?;
        list.pop()
            .ok_or_else(|| Error::Internal("no tier stored".into()))
    }

    pub fn membership_tiers(&self) -> Result<Vec<MembershipTier>> {
        self.require(Permission::LookUp)?;
        let mut stmt = self.conn.prepare(
            "SELECT id, name, fee_monthly, discount_percent FROM membership_tiers ORDER BY name, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(MembershipTier {
                id: r.get(0)?,
                name: r.get(1)?,
                fee_monthly: crate::stored::decimal(r, 2)?,
                discount_percent: crate::stored::decimal(r, 3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Enrolls a customer in a tier (replacing any membership they had).
    pub fn enroll(
        &mut self,
        customer_id: &str,
        tier_id: &str,
        until: Option<NaiveDate>,
    ) -> Result<Membership> {
        self.require(Permission::AddCustomer)?;
        self.require_feature("memberships")?;
        let c = self.customer(customer_id)?;
        if c.kind != crate::customers::CustomerKind::Customer {
            return Err(Error::invalid(
                Field::Customer,
                format!("{} is an affiliate, not a customer", c.name),
            ));
        }
        let exists: bool = self.conn.query_row(
            "SELECT COUNT(*) FROM membership_tiers WHERE id = ?1",
            [tier_id.trim()],
            |r| r.get::<_, i64>(0),
        )? > 0;
        if !exists {
            return Err(Error::not_found("membership tier", tier_id.trim()));
        }
        let now = self.now();
        if let Some(u) = until {
            crate::input::check_date(Field::Until, u)?;
            if u < today(&self.settings.time_zone, now)? {
                return Err(Error::invalid(Field::Until, format!("{u} is already past")));
            }
        }
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO memberships (customer_id, tier_id, since, until) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (customer_id) DO UPDATE SET tier_id = excluded.tier_id, since = excluded.since, until = excluded.until",
            params![c.id, tier_id.trim(), ts(now), until.map(|u| u.to_string())],
        )?;
        tx.commit()?;
        self.membership(&c.id)?
            .ok_or_else(|| Error::Internal("membership not stored".into()))
    }

    pub fn membership(&self, customer_id: &str) -> Result<Option<Membership>> {
        self.require(Permission::LookUp)?;
        membership_of(
            &self.conn,
            &self.settings.time_zone,
            customer_id.trim(),
            self.now(),
        )
    }
}
