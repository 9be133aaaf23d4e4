//! Why an upstream refuses an event. Devices act on the [`RejectCode`],
//! never on the wording of the reason, which is for people and may change.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One refused event of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The event's `id` exactly as sent (its JSON text when it is not a
    /// string, empty when missing), so the device can match it.
    pub id: String,
    /// What is wrong, for machines. Absent from upstreams that predate
    /// codes: then [`RejectCode::Other`].
    #[serde(default)]
    pub code: RejectCode,
    /// What is wrong, for people (shown to the owner with the dead letter).
    pub reason: String,
}

impl Rejection {
    pub fn new(id: impl Into<String>, code: RejectCode, reason: impl Into<String>) -> Rejection {
        Rejection {
            id: id.into(),
            code,
            reason: reason.into(),
        }
    }
}

/// Every reason an upstream can refuse an event, as it appears in the
/// `code` of a rejection (`docs/sync-protocol.md` lists them). New codes may
/// be added; a device reads a code it does not know as `other`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The event is not a JSON object.
    NotAnObject,
    /// `id` is missing or not a string holding a UUID.
    InvalidId,
    /// `seq` is not an integer of at least 1.
    InvalidSeq,
    /// `type` is missing, not a string, or not an event type the upstream knows.
    UnknownType,
    /// `occurred_at` is missing or not an RFC 3339 time.
    InvalidOccurredAt,
    /// `payload` is missing or not a JSON object.
    InvalidPayload,
    /// A string in the payload holds U+0000, which the upstream cannot store.
    NulCharacter,
    /// `order.completed`: `payload.order_id` is missing, empty or too long.
    InvalidOrderId,
    /// `order.completed`: `payload.total` is not a decimal string.
    InvalidTotal,
    /// `referral.code_created`: `payload.code` is missing, empty or too long.
    InvalidReferralCode,
    /// `referral.code_created`: another event of the store already claimed
    /// this code. The device retires the code and issues a new one.
    DuplicateReferralCode,
    /// `audit.recorded`: the entry does not continue the device's audit
    /// chain as the upstream holds it (its `prev_hash` is not the hash of
    /// the device's latest entry, or its `seq` is not the next): the
    /// device's history was rewritten (an old backup restored, the store
    /// file edited or copied). Nothing for the device to fix by itself: the
    /// owner sees it as a dead letter.
    AuditChainBroken,
    /// Any other reason; also a rejection without a code or with a code
    /// this device does not know.
    #[default]
    #[serde(other)]
    Other,
}

impl RejectCode {
    /// Every code, in the order the protocol document lists them.
    pub const ALL: [RejectCode; 13] = [
        RejectCode::NotAnObject,
        RejectCode::InvalidId,
        RejectCode::InvalidSeq,
        RejectCode::UnknownType,
        RejectCode::InvalidOccurredAt,
        RejectCode::InvalidPayload,
        RejectCode::NulCharacter,
        RejectCode::InvalidOrderId,
        RejectCode::InvalidTotal,
        RejectCode::InvalidReferralCode,
        RejectCode::DuplicateReferralCode,
        RejectCode::AuditChainBroken,
        RejectCode::Other,
    ];

    /// The code as it is on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::NotAnObject => "not_an_object",
            RejectCode::InvalidId => "invalid_id",
            RejectCode::InvalidSeq => "invalid_seq",
            RejectCode::UnknownType => "unknown_type",
            RejectCode::InvalidOccurredAt => "invalid_occurred_at",
            RejectCode::InvalidPayload => "invalid_payload",
            RejectCode::NulCharacter => "nul_character",
            RejectCode::InvalidOrderId => "invalid_order_id",
            RejectCode::InvalidTotal => "invalid_total",
            RejectCode::InvalidReferralCode => "invalid_referral_code",
            RejectCode::DuplicateReferralCode => "duplicate_referral_code",
            RejectCode::AuditChainBroken => "audit_chain_broken",
            RejectCode::Other => "other",
        }
    }
}

impl fmt::Display for RejectCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_and_write_as_their_names() {
        for code in RejectCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<RejectCode>(&json).unwrap(), code);
        }
        let future: Rejection =
            serde_json::from_str(r#"{"id":"x","code":"not_yet_invented","reason":"r"}"#).unwrap();
        assert_eq!(future.code, RejectCode::Other);
    }
}
