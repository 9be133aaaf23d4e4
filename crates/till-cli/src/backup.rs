//! `till backup …`: create, list, verify and restore backups of the store.
//! `verify` needs no store; `restore` onto a path with no store yet (a new
//! machine) creates the store from the backup.

use std::fmt::Write as _;
use std::path::Path;

use till_core::backup::{self, Backup, Verified};
use till_core::{Result, Store};

use crate::cli::BackupCmd;
use crate::human::Human;
use crate::run::Ctx;
use crate::staff::Credentials;

pub fn run(ctx: &mut Ctx, path: &Path, creds: &mut Credentials, cmd: BackupCmd) -> Result<()> {
    let mut open = |ctx: &mut Ctx| -> Result<Store> {
        let mut store = Store::open(path)?;
        creds.apply(&mut store)?;
        ctx.human = Human::of(store.settings())?;
        Ok(store)
    };
    match cmd {
        BackupCmd::Verify { file } => {
            let v = backup::verify(&file)?;
            ctx.out(&v, |v| verified(&file, v))
        }
        BackupCmd::Create { out } => {
            let store = open(ctx)?;
            let b = store.backup(out.as_deref())?;
            ctx.out(&b, |b| {
                format!(
                    "backup written: {} ({} orders, {}, {})",
                    b.path.display(),
                    b.orders,
                    size(b.bytes),
                    ctx.human.moment(b.created_at)
                )
            })
        }
        BackupCmd::List => {
            let store = open(ctx)?;
            let list = store.backups()?;
            let folder = store.backup_folder();
            ctx.out(&list, |l| backups(l, &folder, &ctx.human))
        }
        BackupCmd::Restore { file } => {
            // The store being replaced asks for its owner, when it has staff.
            let (store, r) = Store::restore_at_with(path, &file, |s| creds.apply(s))?;
            ctx.human = Human::of(store.settings())?;
            ctx.out(&r, |r| {
                let mut s = format!(
                    "restored {} ({} orders, schema version {})",
                    file.display(),
                    r.restored.orders,
                    r.restored.schema_version
                );
                if let Some(kept) = &r.kept {
                    let _ = write!(s, "; the replaced store is kept as {}", kept.path.display());
                }
                if let Some(aside) = &r.set_aside {
                    let _ = write!(
                        s,
                        "; the damaged store was set aside as {}",
                        aside.display()
                    );
                }
                s
            })
        }
    }
}

fn verified(file: &Path, v: &Verified) -> String {
    format!(
        "{}: ok, {} orders, schema version {}",
        file.display(),
        v.orders,
        v.schema_version
    )
}

fn backups(list: &[Backup], folder: &Path, h: &Human) -> String {
    if list.is_empty() {
        return format!("no backups in {}", folder.display());
    }
    let mut s = String::new();
    let _ = writeln!(s, "{:<20}  {:>7}  {:>9}  FILE", "MADE", "ORDERS", "SIZE");
    for b in list {
        let _ = writeln!(
            s,
            "{:<20}  {:>7}  {:>9}  {}",
            h.moment(b.created_at),
            b.orders,
            size(b.bytes),
            b.path.display()
        );
    }
    s
}

/// A file size for people: "812 KB", "3.4 MB".
fn size(bytes: u64) -> String {
    const KB: u64 = 1000;
    const MB: u64 = 1000 * KB;
    match bytes {
        b if b < KB => format!("{b} B"),
        b if b < MB => format!("{} KB", b / KB),
        b => format!("{}.{} MB", b / MB, b % MB / (MB / 10)),
    }
}
