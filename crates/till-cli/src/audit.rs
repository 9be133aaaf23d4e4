//! `till audit …`: the audit trail, and checking its hash chain.

use std::fmt::Write as _;

use till_core::audit::{AuditEntry, AuditFilter, AuditVerdict};
use till_core::input::time as parse_time;
use till_core::input::Field;
use till_core::{Result, Store};

use crate::cli::AuditCmd;
use crate::human::Human;
use crate::run::{Ctx, Outcome};

pub fn run(ctx: &Ctx, store: &Store, cmd: AuditCmd) -> Result<Outcome> {
    match cmd {
        AuditCmd::List {
            from,
            to,
            staff,
            action,
            limit,
        } => {
            let filter = AuditFilter {
                from: from.map(|t| parse_time(Field::From, &t)).transpose()?,
                to: to.map(|t| parse_time(Field::To, &t)).transpose()?,
                staff,
                action,
                limit: limit
                    .map(|l| crate::run::parse_count(Field::Limit, &l))
                    .transpose()?,
            };
            let list = store.audit_list(&filter)?;
            ctx.out(&list, |l| entries(l, &ctx.human))?;
            Ok(Outcome::Done)
        }
        AuditCmd::Verify => {
            let v = store.audit_verify()?;
            ctx.out(&v, verdict)?;
            // A broken chain is the answer, not an error of `till`: the
            // verdict is the output, and the exit code says it failed.
            Ok(if v.ok { Outcome::Done } else { Outcome::Failed })
        }
    }
}

fn verdict(v: &AuditVerdict) -> String {
    match (v.ok, v.first_bad_seq) {
        (true, _) => format!(
            "audit trail intact: {} entries, head {}",
            v.entries,
            v.head.as_deref().unwrap_or("(none)")
        ),
        (false, Some(seq)) => format!(
            "audit trail broken at entry {seq}: it, or the entry before it, is not as Till wrote it (the store was changed outside Till)"
        ),
        (false, None) => "audit trail broken".into(),
    }
}

fn entries(list: &[AuditEntry], h: &Human) -> String {
    if list.is_empty() {
        return "no audit entries".into();
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:>6}  {:<20}  {:<16}  {:<16}  {:<18}  SUBJECT",
        "SEQ", "AT", "BY", "APPROVED BY", "ACTION"
    );
    for e in list {
        let _ = writeln!(
            s,
            "{:>6}  {:<20}  {:<16}  {:<16}  {:<18}  {}",
            e.seq,
            h.moment(e.at),
            e.actor.as_deref().unwrap_or("-"),
            e.approver.as_deref().unwrap_or(""),
            e.action,
            e.subject.as_deref().unwrap_or("")
        );
    }
    s
}
