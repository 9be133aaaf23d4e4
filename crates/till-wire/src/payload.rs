//! What each kind of event carries. Money and rates are decimal strings
//! ("57.50"), never JSON numbers; times are RFC 3339 text. Status-like
//! fields are the device's words as text: an upstream records them as they
//! are. Readers ignore fields they do not know.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::event::{EventKind, Payload};

/// `order.completed`: a sale completed (one per order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderCompleted {
    pub order_id: String,
    pub number: String,
    pub created_at: String,
    pub cashier: String,
    pub customer_id: Option<String>,
    pub referral_code: Option<String>,
    pub currency: String,
    /// `exclusive` or `inclusive`.
    pub tax_mode: String,
    pub lines: Vec<OrderLine>,
    pub bundles: Vec<OrderBundle>,
    pub subtotal: Decimal,
    pub discount: Decimal,
    pub tax: Decimal,
    pub taxes: Vec<OrderTax>,
    pub total: Decimal,
    pub payments: Vec<OrderPayment>,
    pub paid: Decimal,
    pub change: Decimal,
}

impl Payload for OrderCompleted {
    const KIND: EventKind = EventKind::OrderCompleted;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    pub line_no: i64,
    pub sku: String,
    pub name: String,
    pub qty: i64,
    pub unit_price: Decimal,
    pub price_note: Option<String>,
    pub total: Decimal,
    pub discount: Decimal,
    pub tax_rate: Decimal,
    pub tax: Decimal,
    pub charged: Decimal,
    /// Always 0 when the order completes (refunds are their own events);
    /// sent since protocol v1.
    #[serde(default)]
    pub refunded_qty: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderBundle {
    pub bundle_id: i64,
    pub name: String,
    pub times: i64,
    pub discount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderTax {
    /// Percent.
    pub rate: Decimal,
    pub base: Decimal,
    pub tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderPayment {
    /// `cash` or `card`.
    pub method: String,
    pub amount: Decimal,
    pub reference: Option<String>,
}

/// `order.refunded`: a refund is recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderRefunded {
    pub refund_id: String,
    pub order_id: String,
    pub number: String,
    pub lines: Vec<RefundLine>,
    pub amount: Decimal,
    pub tax: Decimal,
    /// `cash` or `card`.
    pub method: String,
}

impl Payload for OrderRefunded {
    const KIND: EventKind = EventKind::OrderRefunded;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundLine {
    pub line_no: i64,
    pub sku: String,
    pub qty: i64,
    pub amount: Decimal,
    pub tax: Decimal,
}

/// `stock.adjusted`: a manual stock adjustment (not sales or refunds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockAdjusted {
    pub sku: String,
    /// `restock`, `count`, `damage`, `correction` or `receive` (a delivery
    /// against a purchase order; `reason` is its number).
    pub kind: String,
    /// Signed.
    pub qty: i64,
    pub reason: Option<String>,
    pub on_hand: i64,
    pub user: String,
}

impl Payload for StockAdjusted {
    const KIND: EventKind = EventKind::StockAdjusted;
}

/// `usage.recorded`: metered usage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageRecorded {
    pub usage_id: String,
    pub metric: String,
    /// A JSON number (the one number of the protocol that is not money).
    #[serde(serialize_with = "quantity_number")]
    pub quantity: Decimal,
    pub occurred_at: String,
    /// `till` or `owner`.
    pub source: String,
}

impl Payload for UsageRecorded {
    const KIND: EventKind = EventKind::UsageRecorded;
}

/// A whole quantity as a JSON integer, any other as a JSON float.
fn quantity_number<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let n = d.normalize();
    if n.scale() == 0 {
        if let Ok(i) = i64::try_from(n) {
            return s.serialize_i64(i);
        }
    }
    s.serialize_f64(f64::try_from(n).unwrap_or(f64::MAX))
}

/// `commission.accrued`: a referral commission is earned (with its sale).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommissionAccrued {
    pub commission_id: String,
    pub referrer_id: String,
    pub order_id: String,
    pub customer_id: Option<String>,
    pub code: Option<String>,
    /// The order's net total (after discounts, before tax).
    pub basis: Decimal,
    /// "10%" or an amount.
    pub rate: String,
    pub amount: Decimal,
    pub status: String,
}

impl Payload for CommissionAccrued {
    const KIND: EventKind = EventKind::CommissionAccrued;
}

/// `commission.reversed`: a refund claws a commission back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommissionReversed {
    pub commission_id: String,
    /// The accrual it reverses.
    pub reverses: String,
    pub referrer_id: String,
    pub order_id: String,
    pub refund_id: Option<String>,
    /// Negative.
    pub amount: Decimal,
    pub accrual_status: String,
}

impl Payload for CommissionReversed {
    const KIND: EventKind = EventKind::CommissionReversed;
}

/// `referral.code_created`: a referral code is issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferralCodeCreated {
    pub code: String,
    pub referrer_id: String,
    pub referrer_kind: String,
    pub expires_at: Option<String>,
}

impl Payload for ReferralCodeCreated {
    const KIND: EventKind = EventKind::ReferralCodeCreated;
}

/// `payout.created`: a referrer is paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayoutCreated {
    pub payout_id: String,
    pub referrer_id: String,
    pub amount: Decimal,
    pub method: String,
    pub reference: Option<String>,
    /// The commission ids paid.
    pub entries: Vec<String>,
}

impl Payload for PayoutCreated {
    const KIND: EventKind = EventKind::PayoutCreated;
}

/// `settings.changed`: the owner changed store settings (one event per
/// save, naming each setting that changed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsChanged {
    pub changed_by: String,
    pub changes: Vec<SettingChange>,
}

impl Payload for SettingsChanged {
    const KIND: EventKind = EventKind::SettingsChanged;
}

/// One setting's change; a value that was or becomes unset is null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingChange {
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// `audit.recorded`: one entry of the device's audit trail (stores with
/// staff only), as the device wrote it. Entries are hash-chained per
/// device: `prev_hash` is the `hash` of the device's previous entry (64
/// zeros for its first), and `hash` is the lowercase hex SHA-256 of
/// `prev_hash` followed by the entry's canonical content. An upstream keeps
/// each device's chain head and refuses an entry that does not continue it
/// (`audit_chain_broken`): the device's history was rewritten.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecorded {
    /// Per device, from 1, one more for each entry.
    pub seq: i64,
    /// RFC 3339.
    pub at: String,
    /// The signed-in member who acted (null: the app itself).
    pub actor: Option<String>,
    /// The member who approved it with their PIN, when the actor's role
    /// alone did not allow it.
    pub approver: Option<String>,
    /// What was done: `refund`, `pin.failed`, `shift.close` …
    pub action: String,
    /// What it was done to (an order id, a SKU, a member's name …).
    pub subject: Option<String>,
    /// The action's particulars, a JSON value.
    pub detail: serde_json::Value,
    /// Lowercase hex SHA-256 (64 characters).
    pub prev_hash: String,
    /// Lowercase hex SHA-256 (64 characters).
    pub hash: String,
}

impl Payload for AuditRecorded {
    const KIND: EventKind = EventKind::AuditRecorded;
}

/// The `prev_hash` of a device's first audit entry.
pub const AUDIT_GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_quantities_are_json_numbers_and_money_is_text() {
        let u = UsageRecorded {
            usage_id: "u".into(),
            metric: "orders".into(),
            quantity: Decimal::new(300, 2),
            occurred_at: "t".into(),
            source: "till".into(),
        };
        assert_eq!(serde_json::to_value(&u).unwrap()["quantity"], 3);
        let half = UsageRecorded {
            quantity: Decimal::new(5, 1),
            ..u
        };
        assert_eq!(serde_json::to_value(&half).unwrap()["quantity"], 0.5);
        let p = PayoutCreated {
            payout_id: "p".into(),
            referrer_id: "r".into(),
            amount: Decimal::new(5750, 2),
            method: "cash".into(),
            reference: None,
            entries: vec![],
        };
        assert_eq!(serde_json::to_value(&p).unwrap()["amount"], "57.50");
    }

    #[test]
    fn an_audit_entry_carries_its_chain() {
        let json = serde_json::json!({
            "seq": 1, "at": "2026-12-02T17:00:00Z", "actor": "Ann", "approver": null,
            "action": "staff.add", "subject": "Ann", "detail": {"role": "owner"},
            "prev_hash": AUDIT_GENESIS, "hash": "ab".repeat(32)
        });
        let a: AuditRecorded = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(a.prev_hash.len(), 64);
        assert!(a.prev_hash.bytes().all(|b| b == b'0'));
        assert_eq!(serde_json::to_value(&a).unwrap(), json);
    }
}
