//! Where a permission is decided: `Store::require`, called at the start of
//! every operation people reach, with the permission `roles` gives it.
//!
//! * No staff member (single-owner mode): everything is allowed and
//!   nothing is audited, as before staff existed.
//! * Otherwise the signed-in member's role must have the permission, or an
//!   approver's (`Store::approve`) must; the role and the active flag are
//!   read from the store each time, so a member disabled or demoted by
//!   another window loses the permission at once.
//! * A connection the app uses by itself (`Store::for_background`: the
//!   automatic backups, the background sync) is never refused; what it
//!   audits carries no actor. What only reads the shop's state for the
//!   app (the price watch's `pricing_context`, `price_version`) asks no
//!   permission at all.

use rusqlite::OptionalExtension;

use crate::error::{Error, Result};
use crate::roles::{Member, Permission, Role};
use crate::store::Store;
use rust_decimal::Decimal;

/// Who an operation is done by, as the audit records it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Authority {
    /// The signed-in member; None in single-owner mode and for the app's
    /// own work.
    pub actor: Option<String>,
    /// The member whose approval gave the permission the actor lacks.
    pub approver: Option<String>,
    /// Whether the store audits (it has staff).
    pub audited: bool,
}

impl Authority {
    /// The same actor with the approver of `other` when this one has none:
    /// an operation that needed two permissions, one of them approved.
    pub fn with(mut self, other: &Authority) -> Authority {
        if self.approver.is_none() {
            self.approver = other.approver.clone();
        }
        self
    }
}

impl Store {
    /// Marks this connection as the app's own, for work nobody asked for at
    /// the moment it runs: automatic backups, background sync delivery.
    /// `require` never refuses it, and what it audits has no
    /// actor. Never give such a connection to a person's command.
    pub fn for_background(mut self) -> Store {
        self.background = true;
        self
    }

    /// Whether this is the app's own connection (`for_background`).
    pub fn is_background(&self) -> bool {
        self.background
    }

    /// Whether the store has staff members; false is single-owner mode.
    pub fn has_staff(&self) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM staff)")?
            .query_row([], |r| r.get(0))?)
    }

    /// Allows `p` to whoever is at work on this connection, or refuses
    /// with `Forbidden` (naming the permission and the roles that have it).
    pub fn require(&self, p: Permission) -> Result<Authority> {
        let staff = self.has_staff()?;
        if self.background || !staff {
            return Ok(Authority {
                audited: staff,
                ..Authority::default()
            });
        }
        let refused = |who: Option<String>| Error::Forbidden {
            who,
            permission: p.as_str(),
            roles: p.roles_in_words(),
        };
        let Some(acting) = &self.acting else {
            return Err(refused(None));
        };
        if self.current_role(acting)?.is_some_and(|r| r.allows(p)) {
            return Ok(Authority {
                actor: Some(acting.name.clone()),
                approver: None,
                audited: true,
            });
        }
        if let Some(approver) = &self.approver {
            if self.current_role(approver)?.is_some_and(|r| r.allows(p)) {
                return Ok(Authority {
                    actor: Some(acting.name.clone()),
                    approver: Some(approver.name.clone()),
                    audited: true,
                });
            }
        }
        Err(refused(Some(acting.name.clone())))
    }

    /// What giving a discount of `percent` (of the line or the order) takes:
    /// `Discount`, and above the store's `discount_approval_pct` also
    /// `DiscountAboveThreshold`. True when it was above: the caller audits it.
    pub fn require_discount(&self, percent: Decimal) -> Result<(Authority, bool)> {
        let auth = self.require(Permission::Discount)?;
        if percent > self.settings.discount_approval_pct {
            Ok((self.require(Permission::DiscountAboveThreshold)?, true))
        } else {
            Ok((auth, false))
        }
    }

    /// The member's role as stored now; None when they are gone or disabled.
    fn current_role(&self, m: &Member) -> Result<Option<Role>> {
        let role: Option<String> = self
            .conn
            .prepare_cached("SELECT role FROM staff WHERE name = ?1 COLLATE NOCASE AND active = 1")?
            .query_row([&m.name], |r| r.get(0))
            .optional()?;
        match role {
            None => Ok(None),
            Some(text) => Role::parse(&text).map(Some).map_err(|_| {
                Error::Damaged(crate::stored::Damage::new(
                    "staff",
                    Some(m.name.clone()),
                    "role",
                    &text,
                    "which is not owner, manager or cashier",
                ))
            }),
        }
    }
}
