//! The tiers document: `{"tiers":[{"id","name","price_monthly","features":[…],
//! "limits":{"api_calls":1000,"storage_gb":1,…}}]}`, a limit being a number
//! or `"unlimited"`. Parsed by hand from JSON so every mistake is reported
//! with its place (`tiers[1].limits.api_calls: -5 is negative`). Fields the
//! format does not name are kept (membership tiers add `discount_percent`).
//!
//! The plan tiers that gate a store come from the vendor only: Till's
//! built-in document, or one delivered in the vendor's signed envelope
//! (`signed.rs`, format `till-tiers/1`, the payload the exact bytes of the
//! JSON above), so that editing a file is no way around a gate. The shop's
//! own membership tiers use the same format unsigned.

use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;

use ed25519_dalek::SigningKey;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::signed::{self, TIERS};
use crate::error::{Error, Result};
use crate::input::Field;

pub const FORMAT: &str = TIERS.format;

/// A limit: a number, or no limit at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Max(Decimal),
    Unlimited,
}

impl Limit {
    /// Usage up to and including the limit is allowed.
    pub fn allows(&self, used: Decimal) -> bool {
        match self {
            Limit::Unlimited => true,
            Limit::Max(m) => used <= *m,
        }
    }
}

/// Quantities (limits, usage) are JSON numbers as in the tiers format: an
/// integer when whole, else the nearest float (limits and usage are counts
/// and sizes, not money; totals are kept exact as decimals until printed).
pub fn serialize_quantity<S: serde::Serializer>(
    d: &Decimal,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    let n = d.normalize();
    if n.scale() == 0 {
        if let Ok(i) = i64::try_from(n) {
            return s.serialize_i64(i);
        }
    }
    s.serialize_f64(f64::try_from(n).unwrap_or(f64::MAX))
}

impl Serialize for Limit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Limit::Unlimited => s.serialize_str("unlimited"),
            Limit::Max(m) => serialize_quantity(m, s),
        }
    }
}

/// A `Limit` as the window gets it: a number, or "unlimited".
impl specta::Type for Limit {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        wire::Limit::definition(types)
    }
}

/// The JSON form of `Limit`, described for the generated TypeScript only.
mod wire {
    use serde::Serialize;

    #[derive(Serialize, specta::Type)]
    #[serde(untagged)]
    #[allow(dead_code)]
    pub enum Limit {
        // A JSON number, never null (see `serialize_quantity`).
        Max(i64),
        Unlimited(Unlimited),
    }

    #[derive(Serialize, specta::Type)]
    #[serde(rename_all = "lowercase")]
    #[allow(dead_code)]
    pub enum Unlimited {
        Unlimited,
    }
}

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        limit_from(&v, "limit").map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Tier {
    pub id: String,
    pub name: String,
    pub price_monthly: Decimal,
    pub features: Vec<String>,
    pub limits: BTreeMap<String, Limit>,
    /// Anything else the document gave this tier, kept as is.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TiersDoc {
    pub tiers: Vec<Tier>,
}

impl TiersDoc {
    pub fn tier(&self, id: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.id == id)
    }

    /// Every feature any tier names.
    pub fn features(&self) -> HashSet<&str> {
        self.tiers
            .iter()
            .flat_map(|t| t.features.iter().map(String::as_str))
            .collect()
    }

    /// Every limit key any tier names.
    pub fn limit_keys(&self) -> HashSet<&str> {
        self.tiers
            .iter()
            .flat_map(|t| t.limits.keys().map(String::as_str))
            .collect()
    }
}

/// A mistake at `at` (`tiers[0].id`) inside a tiers document.
fn bad_at(at: &str, message: impl std::fmt::Display) -> Error {
    Error::invalid(Field::TiersDocument, format!("{at}: {message}"))
}

fn limit_from(v: &Value, at: &str) -> Result<Limit> {
    match v {
        Value::String(s) if s == "unlimited" => Ok(Limit::Unlimited),
        Value::Number(n) => {
            let d = Decimal::from_str(&n.to_string())
                .or_else(|_| Decimal::from_scientific(&n.to_string()))
                .map_err(|_| bad_at(at, format!("{n} is not a usable number")))?;
            if d < Decimal::ZERO {
                return Err(bad_at(
                    at,
                    format!("{n} is negative; a limit is 0 or more, or \"unlimited\""),
                ));
            }
            Ok(Limit::Max(d))
        }
        other => Err(bad_at(
            at,
            format!("{other} is neither a number nor \"unlimited\""),
        )),
    }
}

fn money_from(v: &Value, at: &str) -> Result<Decimal> {
    let d = match v {
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        Value::String(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    }
    .ok_or_else(|| bad_at(at, format!("{v} is not an amount")))?;
    if d < Decimal::ZERO {
        return Err(bad_at(at, format!("{v} is negative")));
    }
    crate::money::check_magnitude(Field::TiersDocument, d).map_err(|e| e.at(at))?;
    Ok(d)
}

/// Parses and checks a tiers document.
pub fn parse(text: &str) -> Result<TiersDoc> {
    parse_as(text, "")
}

/// Checks a tiers document signed by the vendor and returns its tiers.
pub fn verify(text: &str) -> Result<TiersDoc> {
    let bytes = signed::open(text, &TIERS)?;
    let json = std::str::from_utf8(&bytes)
        .map_err(|_| Error::invalid(TIERS.field, "the signed payload is not UTF-8 text"))?;
    parse_as(json, "the signed payload is ")
}

/// Checks a tiers document, then signs its exact bytes into the vendor's
/// envelope (the vendor's tool and the tests).
pub fn sign(text: &str, key_id: &str, key: &SigningKey) -> Result<String> {
    parse(text)?;
    Ok(signed::seal(text.as_bytes(), &TIERS, key_id, key))
}

/// Whether stored text is a bare tiers document with no signature around
/// it, as stores kept them before tiers documents had to be signed.
pub fn is_unsigned(text: &str) -> bool {
    matches!(
        serde_json::from_str::<Value>(text),
        Ok(Value::Object(m)) if m.contains_key("tiers") && !m.contains_key("signature")
    )
}

/// `context` leads the message for text that is not JSON at all.
fn parse_as(text: &str, context: &str) -> Result<TiersDoc> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        Error::invalid(
            Field::TiersDocument,
            format!(
                "{context}not valid JSON: {e} (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    let tiers = root
        .get("tiers")
        .ok_or_else(|| Error::invalid(Field::TiersDocument, "has no \"tiers\" list"))?
        .as_array()
        .ok_or_else(|| Error::invalid(Field::TiersDocument, "must be a list"))?;
    if tiers.is_empty() {
        return Err(Error::invalid(
            Field::TiersDocument,
            "the list is empty; give at least one tier",
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(tiers.len());
    for (i, t) in tiers.iter().enumerate() {
        let at = |f: &str| format!("tiers[{i}].{f}");
        let obj = t
            .as_object()
            .ok_or_else(|| bad_at(&format!("tiers[{i}]"), "must be an object"))?;
        let id = match obj.get("id") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(v) => return Err(bad_at(&at("id"), format!("{v} is not a non-empty string"))),
            None => return Err(bad_at(&at("id"), "is missing")),
        };
        if !seen.insert(id.clone()) {
            return Err(bad_at(
                &at("id"),
                format!("{id:?} is used by an earlier tier too"),
            ));
        }
        let name = match obj.get("name") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(v) => {
                return Err(bad_at(
                    &at("name"),
                    format!("{v} is not a non-empty string"),
                ))
            }
            None => id.clone(),
        };
        let price_monthly = match obj.get("price_monthly") {
            Some(v) => money_from(v, &at("price_monthly"))?,
            None => Decimal::ZERO,
        };
        let mut features = Vec::new();
        match obj.get("features") {
            None => {}
            Some(Value::Array(list)) => {
                for (k, f) in list.iter().enumerate() {
                    match f {
                        Value::String(s) if !s.trim().is_empty() => {
                            let s = s.trim().to_string();
                            if !features.contains(&s) {
                                features.push(s);
                            }
                        }
                        v => {
                            return Err(bad_at(
                                &at(&format!("features[{k}]")),
                                format!("{v} is not a feature name"),
                            ))
                        }
                    }
                }
            }
            Some(v) => return Err(bad_at(&at("features"), format!("{v} is not a list"))),
        }
        let mut limits = BTreeMap::new();
        match obj.get("limits") {
            None => {}
            Some(Value::Object(map)) => {
                for (k, v) in map {
                    limits.insert(k.clone(), limit_from(v, &at(&format!("limits.{k}")))?);
                }
            }
            Some(v) => return Err(bad_at(&at("limits"), format!("{v} is not an object"))),
        }
        let extra = obj
            .iter()
            .filter(|(k, _)| {
                !["id", "name", "price_monthly", "features", "limits"].contains(&k.as_str())
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.push(Tier {
            id,
            name,
            price_monthly,
            features,
            limits,
            extra,
        });
    }
    Ok(TiersDoc { tiers: out })
}

/// Till's own tiers. Free keeps everything a single-register shop had
/// before plans existed; pro and enterprise add what grows with the shop.
pub const DEFAULT_TIERS: &str = r#"{"tiers":[
 {"id":"free","name":"Free","price_monthly":0,
  "features":["checkout","refunds","pricing","flash_sales","bundles","mining","kits","referrals","sync","export"],
  "limits":{"registers":1,"devices":1,"products":"unlimited","bundles":"unlimited","api_calls":1000,"storage_gb":1}},
 {"id":"pro","name":"Pro","price_monthly":29,
  "features":["checkout","refunds","pricing","flash_sales","bundles","mining","kits","referrals","sync","export",
              "memberships","advanced_reporting","custom_branding","multi_register"],
  "limits":{"registers":5,"devices":5,"products":"unlimited","bundles":"unlimited","api_calls":100000,"storage_gb":20}},
 {"id":"enterprise","name":"Enterprise","price_monthly":99,
  "features":["checkout","refunds","pricing","flash_sales","bundles","mining","kits","referrals","sync","export",
              "memberships","advanced_reporting","custom_branding","multi_register","api_access","priority_support"],
  "limits":{"registers":"unlimited","devices":"unlimited","products":"unlimited","bundles":"unlimited","api_calls":"unlimited","storage_gb":"unlimited"}}
]}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_document_parses() {
        let d = parse(DEFAULT_TIERS).unwrap();
        assert_eq!(d.tiers.len(), 3);
        assert_eq!(d.tiers[0].id, "free");
        assert_eq!(d.tiers[2].limits["api_calls"], Limit::Unlimited);
    }

    #[test]
    fn mistakes_say_where() {
        for (doc, needle) in [
            ("{", "not valid JSON"),
            ("{}", "no \"tiers\""),
            (r#"{"tiers":[]}"#, "empty"),
            (r#"{"tiers":[{"id":"a"},{"id":"a"}]}"#, "tiers[1].id"),
            (
                r#"{"tiers":[{"id":"a","limits":{"x":-5}}]}"#,
                "tiers[0].limits.x",
            ),
            (
                r#"{"tiers":[{"id":"a","limits":{"x":"lots"}}]}"#,
                "unlimited",
            ),
            (
                r#"{"tiers":[{"id":"a","price_monthly":"free"}]}"#,
                "price_monthly",
            ),
            (r#"{"tiers":[{"id":"a","features":[1]}]}"#, "features[0]"),
            (r#"{"tiers":[{"id":7}]}"#, "tiers[0].id"),
        ] {
            let e = parse(doc).unwrap_err().to_string();
            assert!(e.contains(needle), "{doc}: {e}");
        }
    }
}
