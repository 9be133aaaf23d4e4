//! Who is working the till, and `till staff …`.
//!
//! On a store with staff every command names a member (`--as NAME`, else
//! `$TILL_STAFF`) with their PIN (`$TILL_PIN`, or the first line of stdin
//! with `--pin-stdin`); `till` signs them in right after opening the store,
//! and the core decides what they may do. `--approve-by NAME` with
//! `$TILL_APPROVER_PIN` adds a manager's approval. A store without staff
//! asks no one, as before.

use std::fmt::Write as _;
use std::io::BufRead;

use till_core::input::Field;
use till_core::roles::Role;
use till_core::staff::StaffMember;
use till_core::{Error, Result, Store};

use crate::cli::{Cli, StaffCmd};
use crate::human::Human;
use crate::run::Ctx;

/// Who the command line says is working, and where their PINs are.
pub struct Credentials {
    staff: Option<String>,
    pin_stdin: bool,
    approve_by: Option<String>,
    user: Option<String>,
    /// Lines of stdin read so far (the sign-in PIN first with --pin-stdin).
    lines_read: usize,
}

impl Credentials {
    pub fn of(cli: &Cli) -> Credentials {
        Credentials {
            staff: cli.member.clone().or_else(|| env("TILL_STAFF")),
            pin_stdin: cli.pin_stdin,
            approve_by: cli.approve_by.clone(),
            user: cli.user.clone(),
            lines_read: 0,
        }
    }

    /// Right after opening the store: signs the member in, takes the
    /// approver's PIN, and sets who is recorded on sales and stock moves.
    pub fn apply(&mut self, store: &mut Store) -> Result<()> {
        if self.pin_stdin && self.staff.is_none() {
            return Err(Error::invalid(
                Field::Pin,
                "--pin-stdin reads the PIN of --as NAME (or $TILL_STAFF), and none is named",
            ));
        }
        if let Some(name) = self.staff.clone() {
            let pin = if self.pin_stdin {
                self.stdin_line()?.ok_or_else(|| {
                    Error::invalid(
                        Field::Pin,
                        "stdin is empty; --pin-stdin reads the PIN from its first line",
                    )
                })?
            } else {
                env("TILL_PIN").ok_or_else(|| {
                    Error::invalid(
                        Field::Pin,
                        format!("none given for {name}: put it in $TILL_PIN, or on the first line of stdin with --pin-stdin"),
                    )
                })?
            };
            store.sign_in(&name, &pin)?;
        }
        if let Some(name) = &self.approve_by {
            let pin = env("TILL_APPROVER_PIN").ok_or_else(|| {
                Error::invalid(
                    Field::Pin,
                    format!("none given for {name}: --approve-by takes the approver's PIN from $TILL_APPROVER_PIN"),
                )
            })?;
            store.approve(name, &pin)?;
        }
        if let Some(user) = &self.user {
            if store.has_staff()? {
                // The signed-in member is the user recorded; --user cannot
                // put another name on what they do.
                match store.acting() {
                    Some(m) if m.name.eq_ignore_ascii_case(user.trim()) => {}
                    Some(m) => {
                        return Err(Error::invalid(
                            Field::User,
                            format!(
                                "{user:?} is not who is signed in ({}): on a store with staff the signed-in member is recorded; sign in as {user:?} with --as",
                                m.name
                            ),
                        ))
                    }
                    None => {
                        return Err(Error::invalid(
                            Field::User,
                            format!("on a store with staff the signed-in member is recorded: sign in as {user:?} with --as and their PIN"),
                        ))
                    }
                }
            } else {
                store.set_user(user)?;
            }
        }
        Ok(())
    }

    /// A new PIN for `staff add` and `staff set-pin`: $TILL_NEW_PIN, else
    /// the next line of stdin.
    fn new_pin(&mut self) -> Result<String> {
        if let Some(pin) = env("TILL_NEW_PIN") {
            return Ok(pin);
        }
        let which = if self.lines_read == 0 {
            "first"
        } else {
            "next"
        };
        self.stdin_line()?.ok_or_else(|| {
            Error::invalid(
                Field::Pin,
                format!("no new PIN: put it in $TILL_NEW_PIN or on the {which} line of stdin"),
            )
        })
    }

    /// The next line of stdin without its line ending; None at its end.
    pub(crate) fn stdin_line(&mut self) -> Result<Option<String>> {
        let mut line = String::new();
        let n = std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Error::Internal(format!("cannot read stdin: {e}")))?;
        self.lines_read += 1;
        Ok((n > 0).then(|| line.trim().to_string()))
    }
}

/// An environment variable that is set and not empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

pub fn run(ctx: &Ctx, store: &mut Store, creds: &mut Credentials, cmd: StaffCmd) -> Result<()> {
    match cmd {
        StaffCmd::Add { name, role } => {
            let role = Role::parse(&role)?;
            let pin = creds.new_pin()?;
            let m = store.staff_add(&name, role, &pin)?;
            ctx.out(&m, |m| format!("added {} ({})", m.name, m.role.as_str()))
        }
        StaffCmd::List => {
            let list = store.staff_list()?;
            ctx.out(&list, |l| members(l, &ctx.human))
        }
        StaffCmd::SetRole { name, role } => {
            let role = Role::parse(&role)?;
            let m = store.staff_set_role(&name, role)?;
            ctx.out(&m, |m| format!("{} is now {}", m.name, a(m.role)))
        }
        StaffCmd::Disable { name } => {
            let m = store.staff_set_active(&name, false)?;
            ctx.out(&m, |m| format!("{} can no longer sign in", m.name))
        }
        StaffCmd::Enable { name } => {
            let m = store.staff_set_active(&name, true)?;
            ctx.out(&m, |m| format!("{} can sign in again", m.name))
        }
        StaffCmd::SetPin { name } => {
            let pin = creds.new_pin()?;
            store.staff_set_pin(&name, &pin)?;
            let done = serde_json::json!({ "name": name, "pin_changed": true });
            ctx.out(&done, |_| format!("{name} has a new PIN"))
        }
    }
}

/// "a manager", "an owner".
fn a(role: Role) -> String {
    match role {
        Role::Owner => "an owner".into(),
        r => format!("a {}", r.as_str()),
    }
}

fn members(list: &[StaffMember], h: &Human) -> String {
    if list.is_empty() {
        return "no staff: the store asks no one for a PIN (`till staff add --name N --role owner` adds the first)".into();
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<24}  {:<8}  {:<6}  LOCKED UNTIL",
        "NAME", "ROLE", "ACTIVE"
    );
    for m in list {
        let _ = writeln!(
            s,
            "{:<24}  {:<8}  {:<6}  {}",
            m.name,
            m.role.as_str(),
            if m.active { "yes" } else { "no" },
            m.locked_until.map(|t| h.moment(t)).unwrap_or_default()
        );
    }
    s
}
