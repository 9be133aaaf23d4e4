//! One event as it travels, and the kinds of events.

use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// One event of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// UUIDv7, unique per event, forever.
    pub id: String,
    /// Per device, strictly increasing in creation order.
    pub seq: i64,
    /// The event's type ([`EventKind`]'s names). Text, not the enum: a
    /// device sends what it has, and an upstream that does not know a type
    /// rejects that event (`unknown_type`) instead of the whole batch.
    #[serde(rename = "type")]
    pub kind: String,
    /// RFC 3339.
    pub occurred_at: String,
    /// A JSON object, by type (see [`crate::payload`]).
    pub payload: serde_json::Value,
}

/// The kinds of events of protocol v1, with their names on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "order.completed")]
    OrderCompleted,
    #[serde(rename = "order.refunded")]
    OrderRefunded,
    #[serde(rename = "stock.adjusted")]
    StockAdjusted,
    #[serde(rename = "usage.recorded")]
    UsageRecorded,
    #[serde(rename = "commission.accrued")]
    CommissionAccrued,
    #[serde(rename = "commission.reversed")]
    CommissionReversed,
    #[serde(rename = "referral.code_created")]
    ReferralCodeCreated,
    #[serde(rename = "payout.created")]
    PayoutCreated,
    #[serde(rename = "settings.changed")]
    SettingsChanged,
    #[serde(rename = "audit.recorded")]
    AuditRecorded,
}

impl EventKind {
    pub const ALL: [EventKind; 10] = [
        EventKind::OrderCompleted,
        EventKind::OrderRefunded,
        EventKind::StockAdjusted,
        EventKind::UsageRecorded,
        EventKind::CommissionAccrued,
        EventKind::CommissionReversed,
        EventKind::ReferralCodeCreated,
        EventKind::PayoutCreated,
        EventKind::SettingsChanged,
        EventKind::AuditRecorded,
    ];

    /// The type as it is on the wire (`order.completed`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::OrderCompleted => "order.completed",
            EventKind::OrderRefunded => "order.refunded",
            EventKind::StockAdjusted => "stock.adjusted",
            EventKind::UsageRecorded => "usage.recorded",
            EventKind::CommissionAccrued => "commission.accrued",
            EventKind::CommissionReversed => "commission.reversed",
            EventKind::ReferralCodeCreated => "referral.code_created",
            EventKind::PayoutCreated => "payout.created",
            EventKind::SettingsChanged => "settings.changed",
            EventKind::AuditRecorded => "audit.recorded",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A type name that is not one of [`EventKind`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKind(pub String);

impl fmt::Display for UnknownKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown event type {:?}", self.0)
    }
}

impl std::error::Error for UnknownKind {}

impl FromStr for EventKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

/// A payload struct, tied to the one kind of event that carries it, so an
/// event is never written with one type and another's payload.
pub trait Payload: Serialize + DeserializeOwned {
    const KIND: EventKind;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_and_write_as_their_wire_names() {
        for k in EventKind::ALL {
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{k}\""));
            assert_eq!(k.as_str().parse::<EventKind>().unwrap(), k);
        }
        assert!("loyalty.stamped".parse::<EventKind>().is_err());
    }
}
