//! The upstream's answer to a batch, recorded in one transaction: the
//! outbox's delivery state, and what a rejection asks of the rest of the
//! store. Reactions key on the rejection's wire code (`till_wire::RejectCode`),
//! never on the wording of its reason. Above `outbox` and `referrals`.

use till_wire::{RejectCode, Rejection};

use crate::error::Result;
use crate::roles::Permission;
use crate::store::Store;
use crate::{outbox, referrals};

impl Store {
    /// Records an upstream's answer: accepted events are sent, rejected
    /// ones dead letters (with the upstream's reason), and a referral code
    /// another device of the store drew first is re-issued (its refused
    /// event is then settled, not left for the owner).
    pub fn record_delivery(&mut self, accepted: &[String], rejected: &[Rejection]) -> Result<()> {
        let at = self.now();
        let tx = self.write_tx()?;
        outbox::mark_delivered(&tx, at, accepted, rejected)?;
        // Any other code asks nothing more: the owner sees the dead letter.
        for r in rejected {
            if r.code == RejectCode::DuplicateReferralCode {
                referrals::on_duplicate_code(&tx, at, &r.id, &r.reason)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Points this device at an upstream, after its token was stored (the
    /// keyring, or $TILL_SYNC_TOKEN): a refused token and the last error
    /// are forgotten. The owner's (`sync_login`), audited. Ask `require`
    /// for `Permission::SyncLogin` before storing the token.
    pub fn sync_login(&mut self, endpoint: &str) -> Result<()> {
        let auth = self.require(Permission::SyncLogin)?;
        let at = self.now();
        let tx = self.write_tx()?;
        for (key, value) in [
            ("endpoint", Some(endpoint)),
            ("auth_failed", None),
            ("last_error", None),
        ] {
            match value {
                Some(v) => tx.execute(
                    "INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [key, v],
                )?,
                None => tx.execute("DELETE FROM sync_state WHERE key = ?1", [key])?,
            };
        }
        crate::audit::record(
            &tx,
            &auth,
            at,
            "sync.login",
            None,
            serde_json::json!({ "endpoint": endpoint }),
        )?;
        tx.commit()?;
        Ok(())
    }
}
