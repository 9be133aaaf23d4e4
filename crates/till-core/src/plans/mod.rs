//! Plans: which tier the store is on, what it may do, and how much it used.
//!
//! * `tiers`: the tiers document (Till's default, or one the owner loads).
//! * `license`: signed licenses, verified offline.
//! * `signed`: the vendor's signed envelope both are delivered in, and the
//!   keys this build trusts.
//! * `usage`: metered usage per billing period.
//! * `names`: words for the document's feature and limit keys.
//!
//! Gates are enforced here, in the core: a gated action returns
//! `Error::Gated` naming the feature and the tier that has it. Completing a
//! sale, refunds, and viewing or exporting the shop's own data are never
//! gated; a plan can never hold a shop's sales or data hostage.

pub mod license;
pub mod names;
pub mod signed;
pub mod tiers;
pub mod usage;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::Field;
use crate::permissions::Authority;
use crate::roles::Permission;
use crate::store::{parse_ts, ts, Store};
use crate::stored::Damage;
use license::LicensePayload;
use tiers::{Limit, Tier, TiersDoc};

/// Where the license stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum LicenseState {
    /// No license installed: the free tier.
    None,
    Valid,
    /// Expired, still honoured for the grace period.
    Grace,
    /// Expired past its grace: back to the free tier.
    Expired,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LicenseStatus {
    pub state: LicenseState,
    pub license: Option<LicensePayload>,
    pub expires_at: Option<String>,
    pub grace_until: Option<String>,
    /// The tier in force because of it.
    pub tier: String,
    /// Features unlocked one by one and in force now.
    pub unlocked: Vec<String>,
}

/// Where the tiers in force come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum TiersSource {
    /// Till's built-in tiers: no document was loaded.
    Builtin,
    /// A document signed by the vendor, verified whenever it is read.
    Signed,
    /// Till's built-in tiers, because the stored document is unsigned (it
    /// was loaded before tiers documents had to be signed) and so is not
    /// trusted.
    UnsignedIgnored,
}

impl TiersSource {
    /// What the owner should know about it, if anything.
    pub fn notice(self) -> Option<String> {
        match self {
            TiersSource::UnsignedIgnored => Some(
                "the tiers document stored in this store is unsigned and was ignored: \
                 Till's built-in tiers apply until a tiers document signed by the vendor is loaded (till plan load FILE)"
                    .into(),
            ),
            TiersSource::Builtin | TiersSource::Signed => None,
        }
    }
}

/// The plan in force: the tier, every feature available (the tier's and the
/// unlocked ones) and the document's other tiers for comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PlanView {
    pub tier: Tier,
    pub features: Vec<String>,
    pub license: LicenseStatus,
    pub tiers: Vec<Tier>,
    pub tiers_source: TiersSource,
    /// Something the owner should know about the plan (`TiersSource::notice`).
    pub notice: Option<String>,
    /// Day of month billing periods start on; None: calendar months.
    pub billing_day: Option<u32>,
    /// What the owner reads for each feature key of every tier and of the
    /// license ("api_access" -> "API access").
    pub feature_names: BTreeMap<String, String>,
    /// The same for each limit key ("api_calls" -> "API calls").
    pub limit_names: BTreeMap<String, String>,
}

/// What `limit check` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LimitStatus {
    pub key: String,
    #[serde(serialize_with = "tiers::serialize_quantity")]
    // A JSON number, never null (see `serialize_quantity`).
    #[specta(type = i64)]
    pub used: Decimal,
    pub limit: Limit,
    pub within: bool,
}

/// Limits on how many of something the store holds (not per period).
const COUNT_LIMITS: [&str; 4] = ["products", "bundles", "registers", "devices"];

fn state_row(conn: &Connection) -> Result<(Option<String>, Option<String>, Option<u32>)> {
    Ok(conn
        .prepare_cached("SELECT tiers_doc, license, billing_day FROM plan_state WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .unwrap_or((None, None, None)))
}

/// A stored signed document that no longer verifies is damage: named, never
/// replaced by defaults behind the owner's back. Selling and refunds never
/// read the plan, and loading the vendor's file again repairs it.
fn plan_damage(column: &str, text: &str, message: &str) -> Error {
    Error::Damaged(Damage::new(
        "plan_state",
        Some("1".into()),
        column,
        text,
        format!(
            "which does not verify ({message}); selling and refunds still work, and loading the vendor's file again (the tiers document or the license) repairs it"
        ),
    ))
}

/// The stored tiers document, verified as it is read.
fn stored_tiers(text: &str) -> Result<TiersDoc> {
    tiers::verify(text).map_err(|e| match e {
        Error::Invalid { message, .. } => plan_damage("tiers_doc", text, &message),
        e => e,
    })
}

/// The stored license, verified as it is read.
fn stored_license(text: &str) -> Result<LicensePayload> {
    license::verify(text).map_err(|e| match e {
        Error::Invalid { message, .. } => plan_damage("license", text, &message),
        e => e,
    })
}

/// What the doctor finds in the stored plan: documents that do not verify.
pub(crate) fn stored_damage(conn: &Connection) -> Result<Vec<Damage>> {
    let (tiers_doc, license, _) = state_row(conn)?;
    let mut out = Vec::new();
    if let Some(t) = tiers_doc.filter(|t| !tiers::is_unsigned(t)) {
        if let Err(Error::Damaged(d)) = stored_tiers(&t) {
            out.push(d);
        }
    }
    if let Some(l) = license {
        if let Err(Error::Damaged(d)) = stored_license(&l) {
            out.push(d);
        }
    }
    Ok(out)
}

/// The tier a store without a (valid) license is on.
fn base_tier(doc: &TiersDoc) -> &Tier {
    doc.tier("free").unwrap_or(&doc.tiers[0])
}

fn status_at(
    doc: &TiersDoc,
    lic: Option<LicensePayload>,
    at: DateTime<Utc>,
) -> Result<LicenseStatus> {
    let free = base_tier(doc).id.clone();
    let Some(p) = lic else {
        return Ok(LicenseStatus {
            state: LicenseState::None,
            license: None,
            expires_at: None,
            grace_until: None,
            tier: free,
            unlocked: Vec::new(),
        });
    };
    let expires = p
        .expires_at
        .as_deref()
        .map(|t| parse_ts(Field::License, t))
        .transpose()?;
    let grace_until = expires.map(|e| e + Duration::days(p.grace_days));
    let state = match (expires, grace_until) {
        (Some(e), _) if at < e => LicenseState::Valid,
        (None, _) => LicenseState::Valid,
        (Some(_), Some(g)) if at < g => LicenseState::Grace,
        _ => LicenseState::Expired,
    };
    let tier = if state == LicenseState::Expired || doc.tier(&p.tier).is_none() {
        free
    } else {
        p.tier.clone()
    };
    // One-time unlocks are kept for good; monthly ones until their end
    // (with the same grace).
    let mut unlocked = Vec::new();
    for u in &p.unlocks {
        let live = match (&u.billing[..], &u.expires_at) {
            ("one_time", _) | (_, None) => true,
            (_, Some(t)) => at < parse_ts(Field::License, t)? + Duration::days(p.grace_days),
        };
        if live && !unlocked.contains(&u.feature) {
            unlocked.push(u.feature.clone());
        }
    }
    Ok(LicenseStatus {
        state,
        expires_at: p.expires_at.clone(),
        grace_until: grace_until.map(ts),
        license: Some(p),
        tier,
        unlocked,
    })
}

impl Store {
    /// Saves one plan setting, with its audit entry.
    fn save_state(
        &mut self,
        column: &str,
        value: Option<String>,
        auth: &Authority,
        action: &str,
        detail: serde_json::Value,
    ) -> Result<()> {
        let now = self.now();
        let at = ts(now);
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO plan_state (id, updated_at) VALUES (1, ?1) ON CONFLICT (id) DO NOTHING",
            [&at],
        )?;
        tx.execute(
            &format!("UPDATE plan_state SET {column} = ?1, updated_at = ?2 WHERE id = 1"),
            params![value, at],
        )?;
        crate::audit::record(&tx, auth, now, action, None, detail)?;
        tx.commit()?;
        Ok(())
    }

    /// The tiers in force and where they come from. The stored document is
    /// the vendor's signed envelope, verified on every read, so editing the
    /// store file is no way around a gate either; one that fails is
    /// reported, never replaced by defaults behind the owner's back.
    fn tiers_in_force(&self) -> Result<(TiersDoc, TiersSource)> {
        let builtin = || tiers::parse(tiers::DEFAULT_TIERS);
        match state_row(&self.conn)?.0 {
            None => Ok((builtin()?, TiersSource::Builtin)),
            Some(text) if tiers::is_unsigned(&text) => {
                Ok((builtin()?, TiersSource::UnsignedIgnored))
            }
            Some(text) => stored_tiers(&text).map(|doc| (doc, TiersSource::Signed)),
        }
    }

    pub fn tiers_document(&self) -> Result<TiersDoc> {
        Ok(self.tiers_in_force()?.0)
    }

    /// Loads a tiers document signed by the vendor (checked whole first;
    /// nothing stored when it is unsigned, wrongly signed, has a mistake,
    /// or lacks the installed license's tier). The signed text is kept as
    /// given, to be verified again whenever it is read.
    pub fn load_tiers(&mut self, text: &str) -> Result<TiersDoc> {
        let auth = self.require(Permission::ManagePlan)?;
        let doc = tiers::verify(text)?;
        if let Some(p) = self.installed_license()? {
            if doc.tier(&p.tier).is_none() {
                return Err(Error::invalid(
                    Field::TiersDocument,
                    format!("the installed license is for the tier {:?}, which this document does not have", p.tier),
                ));
            }
        }
        let tiers: Vec<&str> = doc.tiers.iter().map(|t| t.id.as_str()).collect();
        self.save_state(
            "tiers_doc",
            Some(text.trim().to_string()),
            &auth,
            "plan.load_tiers",
            serde_json::json!({ "tiers": tiers }),
        )?;
        Ok(doc)
    }

    fn installed_license(&self) -> Result<Option<LicensePayload>> {
        state_row(&self.conn)?
            .1
            .map(|t| stored_license(&t))
            .transpose()
    }

    /// Verifies and installs a license file.
    pub fn install_license(&mut self, text: &str) -> Result<LicenseStatus> {
        let auth = self.require(Permission::ManagePlan)?;
        let p = license::verify(text)?;
        if let Some(store) = &p.store_id {
            if *store != self.settings.store_id {
                return Err(Error::invalid(
                    Field::License,
                    format!(
                        "it was issued for the store {store}, not this one ({})",
                        self.settings.store_id
                    ),
                ));
            }
        }
        let doc = self.tiers_document()?;
        if doc.tier(&p.tier).is_none() {
            return Err(Error::invalid(
                Field::License,
                format!("its tier {:?} is not in this store's plan document", p.tier),
            ));
        }
        self.save_state(
            "license",
            Some(text.to_string()),
            &auth,
            "license.install",
            serde_json::json!({
                "license_id": p.license_id,
                "issued_to": p.issued_to,
                "tier": p.tier,
                "expires_at": p.expires_at,
            }),
        )?;
        self.license_status(self.now())
    }

    pub fn license_status(&self, at: DateTime<Utc>) -> Result<LicenseStatus> {
        let doc = self.tiers_document()?;
        status_at(&doc, self.installed_license()?, at)
    }

    pub fn plan(&self, at: DateTime<Utc>) -> Result<PlanView> {
        let (doc, source) = self.tiers_in_force()?;
        let status = status_at(&doc, self.installed_license()?, at)?;
        let tier = doc.tier(&status.tier).unwrap_or(base_tier(&doc)).clone();
        let mut features = tier.features.clone();
        for f in &status.unlocked {
            if !features.contains(f) {
                features.push(f.clone());
            }
        }
        let feature_names = doc
            .tiers
            .iter()
            .flat_map(|t| t.features.iter())
            .chain(&status.unlocked)
            .chain(
                status
                    .license
                    .iter()
                    .flat_map(|l| l.unlocks.iter().map(|u| &u.feature)),
            )
            .map(|k| (k.clone(), names::feature(k)))
            .collect();
        let limit_names = doc
            .limit_keys()
            .into_iter()
            .map(|k| (k.to_string(), names::limit(k)))
            .collect();
        Ok(PlanView {
            tier,
            features,
            feature_names,
            limit_names,
            license: status,
            billing_day: self.billing_day()?,
            tiers: doc.tiers,
            tiers_source: source,
            notice: source.notice(),
        })
    }

    /// Day of month billing periods start on; None: calendar months. Read
    /// on its own: a period does not depend on the tiers.
    pub(crate) fn billing_day(&self) -> Result<Option<u32>> {
        Ok(state_row(&self.conn)?.2)
    }

    /// Sets the day of month billing periods start on (None: calendar months).
    pub fn set_billing_day(&mut self, day: Option<u32>) -> Result<()> {
        let auth = self.require(Permission::ManagePlan)?;
        if let Some(d) = day {
            if !(1..=28).contains(&d) {
                return Err(Error::invalid(
                    Field::BillingDay,
                    format!("{d} must be 1 to 28"),
                ));
            }
        }
        self.save_state(
            "billing_day",
            day.map(|d| d.to_string()),
            &auth,
            "plan.billing_day",
            serde_json::json!({ "day": day }),
        )
    }

    /// Ok when `key` is available now; `Error::Gated` naming the tier that
    /// has it otherwise; invalid input for a feature no tier knows.
    pub fn require_feature(&self, key: &str) -> Result<()> {
        let key = key.trim();
        let plan = self.plan(self.now())?;
        if plan.features.iter().any(|f| f == key) {
            return Ok(());
        }
        let doc = self.tiers_document()?;
        let Some(tier) = doc
            .tiers
            .iter()
            .find(|t| t.features.iter().any(|f| f == key))
        else {
            let unlockable = plan
                .license
                .license
                .iter()
                .flat_map(|l| l.unlocks.iter())
                .any(|u| u.feature == key);
            if unlockable {
                return Err(Error::Gated {
                    key: key.into(),
                    message: format!(
                        "{} was unlocked by the license, but that unlock has ended; renew it",
                        names::feature(key)
                    ),
                });
            }
            return Err(Error::invalid(
                Field::Feature,
                format!("{key:?} is not a feature of any tier (known: {})", {
                    let mut f: Vec<&str> = doc.features().into_iter().collect();
                    f.sort_unstable();
                    f.join(", ")
                }),
            ));
        };
        Err(Error::Gated {
            key: key.into(),
            message: format!(
                "{} is not in the {} plan this store is on; it comes with {} ({} per month) or as an unlock",
                names::feature(key),
                plan.tier.name,
                tier.name,
                self.settings().currency.display(tier.price_monthly)
            ),
        })
    }

    /// How much of `key` is used (now, or in the current billing period)
    /// against the tier's limit.
    pub fn limit_status(&self, key: &str) -> Result<LimitStatus> {
        let key = key.trim();
        let now = self.now();
        let plan = self.plan(now)?;
        let doc = self.tiers_document()?;
        let Some(limit) = plan.tier.limits.get(key).copied() else {
            if doc.limit_keys().contains(key) {
                // Another tier limits it; this one does not: no limit.
                return Ok(LimitStatus {
                    key: key.into(),
                    used: self.used(key, now)?,
                    limit: Limit::Unlimited,
                    within: true,
                });
            }
            let mut known: Vec<&str> = doc.limit_keys().into_iter().collect();
            known.sort_unstable();
            return Err(Error::invalid(
                Field::Limit,
                format!(
                    "{key:?} is not a limit of any tier (known: {})",
                    known.join(", ")
                ),
            ));
        };
        let used = self.used(key, now)?;
        Ok(LimitStatus {
            key: key.into(),
            used,
            within: limit.allows(used),
            limit,
        })
    }

    fn used(&self, key: &str, now: DateTime<Utc>) -> Result<Decimal> {
        Ok(match key {
            "products" => Decimal::from(self.conn.query_row(
                "SELECT COUNT(*) FROM products WHERE active = 1",
                [],
                |r| r.get::<_, i64>(0),
            )?),
            "bundles" => Decimal::from(self.conn.query_row(
                "SELECT COUNT(*) FROM bundles WHERE active = 1",
                [],
                |r| r.get::<_, i64>(0),
            )?),
            // This device is one register and one device.
            "registers" | "devices" => Decimal::ONE,
            metric => {
                let (from, to, _) = self.billing_period(now)?;
                usage::total(&self.conn, metric, from, to)?
            }
        })
    }

    /// Refuses an action that would take `key` over the tier's limit:
    /// `adding` more is allowed while used + adding <= limit.
    pub(crate) fn check_limit(&self, key: &str, adding: Decimal) -> Result<()> {
        if !self.tiers_document()?.limit_keys().contains(key) {
            return Ok(());
        }
        let s = self.limit_status(key)?;
        if s.limit.allows(s.used + adding) {
            return Ok(());
        }
        let max = match s.limit {
            Limit::Max(m) => m.normalize().to_string(),
            Limit::Unlimited => "unlimited".into(),
        };
        let plan = self.plan(self.now())?;
        Err(Error::Gated {
            key: key.into(),
            message: format!(
                "the {} plan allows {max} {}; this store has {}: upgrade, or make room first",
                plan.tier.name,
                names::limit_in_sentence(key),
                s.used.normalize()
            ),
        })
    }

    /// Whether `key` is a limit on a count rather than per period.
    pub fn is_count_limit(key: &str) -> bool {
        COUNT_LIMITS.contains(&key)
    }
}
