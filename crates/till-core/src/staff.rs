//! Staff members: names, roles, PINs (kept only as Argon2id hashes), who is
//! signed in on this connection and who approved what they may not do.
//!
//! Five wrong PINs in a row lock a member for five minutes of the store's
//! clock; every wrong PIN and the lock are audited in a transaction of
//! their own, so they are kept although the sign-in fails. The first member
//! must be an owner, and the store never goes without an active owner.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;

use crate::audit;
use crate::error::{Error, Result};
use crate::input::{Field, TextKind};
use crate::permissions::Authority;
use crate::roles::{Member, Permission, Role};
use crate::store::{new_id, ts, Store};

/// Wrong PINs in a row that lock a member.
pub const MAX_ATTEMPTS: u32 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 5;

/// A staff member as the front ends show them.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct StaffMember {
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Set while wrong PINs keep them out.
    pub locked_until: Option<DateTime<Utc>>,
}

/// A PIN: 4 to 8 digits.
pub fn check_pin(pin: &str) -> Result<&str> {
    let ok = (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(pin)
    } else {
        Err(Error::invalid(Field::Pin, "a PIN is 4 to 8 digits"))
    }
}

fn hash_pin(pin: &str) -> Result<String> {
    let salt: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| Error::Internal(format!("cannot make a salt: {e}")))?;
    Ok(Argon2::default()
        .hash_password(check_pin(pin)?.as_bytes(), &salt)
        .map_err(|e| Error::Internal(format!("cannot hash a PIN: {e}")))?
        .to_string())
}

/// One stored member, with what signing in needs.
struct Stored {
    name: String,
    role: Role,
    active: bool,
    pin_hash: String,
    locked_until: Option<DateTime<Utc>>,
}

fn damaged(name: &str, column: &str, value: &str, problem: &str) -> Error {
    Error::Damaged(crate::stored::Damage::new(
        "staff",
        Some(name.to_string()),
        column,
        value,
        problem,
    ))
}

impl Stored {
    fn member(&self) -> Member {
        Member {
            name: self.name.clone(),
            role: self.role,
        }
    }

    fn shown(&self, now: DateTime<Utc>) -> StaffMember {
        StaffMember {
            name: self.name.clone(),
            role: self.role,
            active: self.active,
            locked_until: self.locked_until.filter(|t| *t > now),
        }
    }
}

const COLUMNS: &str = "name, role, active, pin_hash, locked_until";

fn read(r: &rusqlite::Row) -> rusqlite::Result<(String, String, bool, String, Option<String>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn stored(row: (String, String, bool, String, Option<String>)) -> Result<Stored> {
    let (name, role, active, pin_hash, locked) = row;
    let role = Role::parse(&role).map_err(|_| {
        damaged(
            &name,
            "role",
            &role,
            "which is not owner, manager or cashier",
        )
    })?;
    let locked_until = match locked {
        None => None,
        Some(t) => Some(
            DateTime::parse_from_rfc3339(&t)
                .map_err(|_| damaged(&name, "locked_until", &t, "which is not an RFC 3339 time"))?
                .with_timezone(&Utc),
        ),
    };
    Ok(Stored {
        name,
        role,
        active,
        pin_hash,
        locked_until,
    })
}

impl Store {
    fn find_member(&self, name: &str) -> Result<Stored> {
        let row = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM staff WHERE name = ?1 COLLATE NOCASE"
            ))?
            .query_row([name.trim()], read)
            .optional()?;
        match row {
            Some(r) => stored(r),
            None => Err(Error::not_found("staff member", name.trim())),
        }
    }

    fn members(&self, only_active: bool) -> Result<Vec<StaffMember>> {
        let now = self.now();
        let rows = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM staff WHERE active = 1 OR ?1 = 0 ORDER BY name COLLATE NOCASE"
            ))?
            .query_map([only_active], read)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|r| stored(r).map(|s| s.shown(now)))
            .collect()
    }

    /// The active members, for the lock screen: no permission needed.
    pub fn staff_names(&self) -> Result<Vec<StaffMember>> {
        self.members(true)
    }

    /// Every member, disabled ones too.
    pub fn staff_list(&self) -> Result<Vec<StaffMember>> {
        self.require(Permission::ManageStaff)?;
        self.members(false)
    }

    /// Adds a member. The first one must be an owner: from then on the
    /// store has staff, and everything asks who is at work.
    pub fn staff_add(&mut self, name: &str, role: Role, pin: &str) -> Result<StaffMember> {
        let name = crate::input::text(Field::Name, name, TextKind::User)?;
        let auth = if self.has_staff()? {
            self.require(Permission::ManageStaff)?
        } else if role != Role::Owner {
            return Err(Error::invalid(
                Field::Role,
                format!(
                    "the first staff member must be an owner, not a {role}: an owner can then add the others"
                ),
            ));
        } else {
            // The first owner's creation opens the audit trail.
            Authority {
                audited: true,
                ..Authority::default()
            }
        };
        let pin_hash = hash_pin(pin)?;
        let now = self.now();
        let tx = self.write_tx()?;
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM staff WHERE name = ?1 COLLATE NOCASE)",
            [&name],
            |r| r.get(0),
        )?;
        if taken {
            return Err(Error::Conflict(format!(
                "a staff member named {name:?} already exists"
            )));
        }
        tx.execute(
            "INSERT INTO staff (id, name, role, pin_hash, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![new_id(), name, role.as_str(), pin_hash, ts(now)],
        )?;
        audit::record(
            &tx,
            &auth,
            now,
            "staff.add",
            Some(&name),
            json!({ "role": role.as_str() }),
        )?;
        tx.commit()?;
        Ok(StaffMember {
            name,
            role,
            active: true,
            locked_until: None,
        })
    }

    /// Active owners other than `name`.
    fn other_owners(&self, name: &str) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM staff WHERE role = 'owner' AND active = 1 AND name <> ?1 COLLATE NOCASE",
            [name],
            |r| r.get(0),
        )?)
    }

    fn last_owner(&self, m: &Stored, what: &str) -> Result<()> {
        if m.role == Role::Owner && m.active && self.other_owners(&m.name)? == 0 {
            return Err(Error::Refused(format!(
                "cannot {what} {}: they are the only active owner, and a store with staff needs one (make another member an owner first)",
                m.name
            )));
        }
        Ok(())
    }

    pub fn staff_set_role(&mut self, name: &str, role: Role) -> Result<StaffMember> {
        let auth = self.require(Permission::ManageStaff)?;
        let m = self.find_member(name)?;
        if role != Role::Owner {
            self.last_owner(&m, &format!("make a {role} of"))?;
        }
        let now = self.now();
        let tx = self.write_tx()?;
        tx.execute(
            "UPDATE staff SET role = ?1, updated_at = ?2 WHERE name = ?3",
            params![role.as_str(), ts(now), m.name],
        )?;
        audit::record(
            &tx,
            &auth,
            now,
            "staff.set_role",
            Some(&m.name),
            json!({ "from": m.role.as_str(), "to": role.as_str() }),
        )?;
        tx.commit()?;
        for kept in [&mut self.acting, &mut self.approver].into_iter().flatten() {
            if kept.name == m.name {
                kept.role = role;
            }
        }
        let mut shown = m.shown(now);
        shown.role = role;
        Ok(shown)
    }

    /// Disables (a disabled member cannot sign in or approve) or enables a
    /// member. Members are never deleted: the audit trail names them.
    pub fn staff_set_active(&mut self, name: &str, active: bool) -> Result<StaffMember> {
        let auth = self.require(Permission::ManageStaff)?;
        let m = self.find_member(name)?;
        if !active {
            self.last_owner(&m, "disable")?;
        }
        let now = self.now();
        let tx = self.write_tx()?;
        tx.execute(
            "UPDATE staff SET active = ?1, updated_at = ?2 WHERE name = ?3",
            params![active, ts(now), m.name],
        )?;
        let action = if active {
            "staff.enable"
        } else {
            "staff.disable"
        };
        audit::record(&tx, &auth, now, action, Some(&m.name), json!({}))?;
        tx.commit()?;
        let mut shown = m.shown(now);
        shown.active = active;
        Ok(shown)
    }

    /// Sets a member's PIN (and lifts a lock): an owner for anyone, a
    /// signed-in member for themselves.
    pub fn staff_set_pin(&mut self, name: &str, pin: &str) -> Result<()> {
        let own = self
            .acting
            .as_ref()
            .is_some_and(|a| a.name.eq_ignore_ascii_case(name.trim()));
        let auth = if own && self.has_staff()? && !self.background {
            Authority {
                actor: self.acting.as_ref().map(|a| a.name.clone()),
                approver: None,
                audited: true,
            }
        } else {
            self.require(Permission::ManageStaff)?
        };
        let m = self.find_member(name)?;
        let pin_hash = hash_pin(pin)?;
        let now = self.now();
        let tx = self.write_tx()?;
        tx.execute(
            "UPDATE staff SET pin_hash = ?1, failed_attempts = 0, locked_until = NULL, updated_at = ?2 WHERE name = ?3",
            params![pin_hash, ts(now), m.name],
        )?;
        audit::record(&tx, &auth, now, "staff.set_pin", Some(&m.name), json!({}))?;
        tx.commit()?;
        Ok(())
    }

    /// Checks `name`'s PIN. A wrong one counts (the fifth in a row locks
    /// the member) and is audited, committed before the error returns.
    fn check_member_pin(&mut self, name: &str, pin: &str, actor: Option<String>) -> Result<Stored> {
        let m = self.find_member(name)?;
        if !m.active {
            return Err(Error::Disabled { name: m.name });
        }
        let now = self.now();
        if let Some(until) = m.locked_until.filter(|t| *t > now) {
            return Err(Error::Locked {
                name: m.name,
                until,
            });
        }
        let right = PasswordHash::new(&m.pin_hash)
            .map_err(|_| {
                damaged(
                    &m.name,
                    "pin_hash",
                    "(hidden)",
                    "which is not an Argon2 hash",
                )
            })
            .map(|h| {
                Argon2::default()
                    .verify_password(pin.as_bytes(), &h)
                    .is_ok()
            })?;
        let auth = Authority {
            actor,
            approver: None,
            audited: true,
        };
        let tx = self.write_tx()?;
        if right {
            tx.execute(
                "UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE name = ?1 AND (failed_attempts <> 0 OR locked_until IS NOT NULL)",
                [&m.name],
            )?;
            tx.commit()?;
            return Ok(m);
        }
        let failed: u32 = tx.query_row(
            "UPDATE staff SET failed_attempts = failed_attempts + 1 WHERE name = ?1 RETURNING failed_attempts",
            [&m.name],
            |r| r.get(0),
        )?;
        audit::record(
            &tx,
            &auth,
            now,
            "pin.failed",
            Some(&m.name),
            json!({ "attempt": failed }),
        )?;
        let err = if failed >= MAX_ATTEMPTS {
            let until = now + Duration::minutes(LOCK_MINUTES);
            tx.execute(
                "UPDATE staff SET failed_attempts = 0, locked_until = ?1 WHERE name = ?2",
                params![ts(until), m.name],
            )?;
            audit::record(
                &tx,
                &auth,
                now,
                "pin.locked",
                Some(&m.name),
                json!({ "until": ts(until) }),
            )?;
            Error::Locked {
                name: m.name,
                until,
            }
        } else {
            Error::BadPin {
                name: m.name,
                attempts_left: MAX_ATTEMPTS - failed,
            }
        };
        tx.commit()?;
        Err(err)
    }

    /// Signs `name` in on this connection: from now on they are the acting
    /// member (and the user recorded on orders and stock movements). Any
    /// approval given to the member before is cleared.
    pub fn sign_in(&mut self, name: &str, pin: &str) -> Result<Member> {
        let m = self.check_member_pin(name, pin, None)?;
        let member = m.member();
        let auth = Authority {
            actor: Some(member.name.clone()),
            approver: None,
            audited: true,
        };
        audit::record_now(
            self,
            &auth,
            "sign_in",
            None,
            json!({ "role": member.role.as_str() }),
        )?;
        self.set_user(&member.name)?;
        self.acting = Some(member.clone());
        self.approver = None;
        Ok(member)
    }

    /// Nobody is signed in any more (the window's lock screen).
    pub fn sign_out(&mut self) {
        self.acting = None;
        self.approver = None;
    }

    /// The signed-in member.
    pub fn acting(&self) -> Option<&Member> {
        self.acting.as_ref()
    }

    /// The member whose approval stands, if any.
    pub fn approver(&self) -> Option<&Member> {
        self.approver.as_ref()
    }

    /// A member approves, with their PIN, what the acting member may not
    /// do alone: operations from now until `clear_approval` (or the next
    /// sign-in) may use the approver's role, and their audit entries name
    /// both. The approval itself is audited.
    pub fn approve(&mut self, name: &str, pin: &str) -> Result<Member> {
        let actor = self.acting.as_ref().map(|a| a.name.clone());
        let m = self.check_member_pin(name, pin, actor.clone())?;
        let member = m.member();
        let auth = Authority {
            actor,
            approver: Some(member.name.clone()),
            audited: true,
        };
        audit::record_now(
            self,
            &auth,
            "approval",
            None,
            json!({ "role": member.role.as_str() }),
        )?;
        self.approver = Some(member.clone());
        Ok(member)
    }

    pub fn clear_approval(&mut self) {
        self.approver = None;
    }
}
