//! `POST /v1/batches`: what a device sends and what the upstream answers.

use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::reject::Rejection;

/// The request body. `E` is how the events are held: the device sends
/// `&Event`s it already has; an upstream reads each event as raw JSON
/// (`serde_json::Value`) so that one bad event is rejected on its own
/// instead of failing the whole batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRequest<E = Event> {
    /// The sending device (UUID).
    pub device_id: String,
    /// The shop; must be the store the token is bound to.
    pub store_id: String,
    /// UUIDv7, new for each batch the device assembles (also the
    /// `Idempotency-Key` header).
    pub batch_id: String,
    pub events: Vec<E>,
}

/// The `200` answer: every event of the batch in exactly one of the lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchResponse {
    /// Ids of the events the upstream has durably stored (or already held).
    pub accepted: Vec<String>,
    /// Events the upstream will never take as they are.
    #[serde(default)]
    pub rejected: Vec<Rejection>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reject::RejectCode;

    #[test]
    fn a_v1_answer_without_codes_reads_as_other_rejections() {
        let v1 = r#"{"accepted":["a"],"rejected":[{"id":"b","reason":"duplicate referral code K7: another device of this store issued it first"}]}"#;
        let r: BatchResponse = serde_json::from_str(v1).unwrap();
        assert_eq!(r.accepted, ["a"]);
        assert_eq!(r.rejected[0].code, RejectCode::Other);
        let bare: BatchResponse = serde_json::from_str(r#"{"accepted":[]}"#).unwrap();
        assert!(bare.rejected.is_empty());
    }

    #[test]
    fn an_answer_carries_each_rejections_code() {
        let r = BatchResponse {
            accepted: vec![],
            rejected: vec![Rejection::new(
                "b",
                RejectCode::DuplicateReferralCode,
                "taken",
            )],
        };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"accepted": [], "rejected": [{"id": "b", "code": "duplicate_referral_code", "reason": "taken"}]})
        );
        assert_eq!(serde_json::from_value::<BatchResponse>(json).unwrap(), r);
    }
}
