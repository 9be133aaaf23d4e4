//! The print queue: jobs of ESC/POS bytes and where they go (`print_jobs`,
//! migration 0014). A job is written in the transaction of what it prints
//! (a sale's receipt goes in with the sale) and sent after the commit by
//! `printing`, so a printer that is off or jammed never holds or undoes a
//! sale: a job that did not get through stays queued and is tried again
//! after a wait that doubles from 10 s to 10 min.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::orders::{Receipt, TenderMethod};
use crate::settings::Settings;
use crate::stored::{self, ts};

/// What a job prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    Receipt,
    Label,
    Test,
    /// The cash drawer's kick alone.
    Drawer,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Receipt => "receipt",
            JobKind::Label => "label",
            JobKind::Test => "test",
            JobKind::Drawer => "drawer",
        }
    }
}

impl std::str::FromStr for JobKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<JobKind, String> {
        match s {
            "receipt" => Ok(JobKind::Receipt),
            "label" => Ok(JobKind::Label),
            "test" => Ok(JobKind::Test),
            "drawer" => Ok(JobKind::Drawer),
            _ => Err("which is not receipt, label, test or drawer".into()),
        }
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// To be sent (again) at `next_attempt_at`.
    Queued,
    /// The printer took it.
    Sent,
    /// Given up until retried by hand: the destination cannot be written
    /// (a file in a folder that does not exist) or the bytes could not be
    /// made.
    Failed,
}

impl std::str::FromStr for JobState {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<JobState, String> {
        match s {
            "queued" => Ok(JobState::Queued),
            "sent" => Ok(JobState::Sent),
            "failed" => Ok(JobState::Failed),
            _ => Err("which is not queued, sent or failed".into()),
        }
    }
}

/// One print job as the queue lists it (without its bytes).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PrintJob {
    pub id: i64,
    pub kind: JobKind,
    /// The order or refund number a receipt is of.
    pub order_ref: Option<String>,
    pub destination: String,
    pub state: JobState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// How many bytes it sends.
    pub size: i64,
}

/// The wait before the next try after `attempts` failed ones: 10 s, then
/// twice the last, at most 10 minutes.
pub fn backoff(attempts: i64) -> Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 6) as u32;
    Duration::from_secs((10u64 << doublings).min(600))
}

/// Queues `bytes` for `destination` inside the caller's transaction;
/// due at once. Returns the job's id.
pub(crate) fn queue_in(
    conn: &Connection,
    now: DateTime<Utc>,
    kind: JobKind,
    order_ref: Option<&str>,
    bytes: &[u8],
    destination: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO print_jobs (kind, order_ref, bytes, destination, state, attempts, next_attempt_at, created_at) \
         VALUES (?1, ?2, ?3, ?4, 'queued', 0, ?5, ?5)",
    )?
    .execute(params![kind.as_str(), order_ref, bytes, destination, ts(now)])?;
    Ok(conn.last_insert_rowid())
}

/// Records a job whose bytes could not be made (a receipt that cannot be
/// laid out): failed at once, with the reason, so the queue shows it.
pub(crate) fn queue_failed_in(
    conn: &Connection,
    now: DateTime<Utc>,
    kind: JobKind,
    order_ref: Option<&str>,
    destination: &str,
    error: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO print_jobs (kind, order_ref, bytes, destination, state, attempts, last_error, next_attempt_at, created_at) \
         VALUES (?1, ?2, x'', ?3, 'failed', 0, ?4, ?5, ?5)",
    )?
    .execute(params![kind.as_str(), order_ref, destination, error, ts(now)])?;
    Ok(conn.last_insert_rowid())
}

/// Whether a sale's receipt prints: what the cashier chose, and the
/// settings for `Auto`.
pub(crate) fn wants_receipt(settings: &Settings, print: Option<bool>) -> bool {
    print.unwrap_or(settings.auto_print)
}

/// Whether this sale opens the drawer: any cash taken, with the kick on.
pub(crate) fn kicks_drawer(settings: &Settings, receipt: &Receipt) -> bool {
    settings.drawer_kick
        && receipt
            .payments
            .iter()
            .any(|p| p.method == TenderMethod::Cash)
}

/// Queues what a completed sale prints, inside the sale's transaction: its
/// receipt when `print`, the drawer kick after it for a cash sale when the
/// drawer is on (alone, when no receipt prints). Nothing without a
/// printer. Bytes that cannot be made do not undo the sale: the job is
/// recorded as failed, with the reason.
pub(crate) fn queue_sale_in(
    conn: &Connection,
    settings: &Settings,
    now: DateTime<Utc>,
    receipt: &Receipt,
    print: bool,
) -> Result<Option<i64>> {
    let Some(dest) = settings.printer_to.as_deref() else {
        return Ok(None);
    };
    let kick = kicks_drawer(settings, receipt);
    if !print && !kick {
        return Ok(None);
    }
    let (kind, doc) = if print {
        let opts = crate::receipt::ReceiptOptions::default();
        match crate::receipt::doc_in(conn, settings, &receipt.number, &opts) {
            Ok(doc) => (JobKind::Receipt, doc),
            Err(e) => {
                let id = queue_failed_in(
                    conn,
                    now,
                    JobKind::Receipt,
                    Some(&receipt.number),
                    dest,
                    &e.to_string(),
                )?;
                // The drawer still opens for the change.
                if kick {
                    queue_in(
                        conn,
                        now,
                        JobKind::Drawer,
                        Some(&receipt.number),
                        &drawer_bytes(settings),
                        dest,
                    )?;
                }
                return Ok(Some(id));
            }
        }
    } else {
        (JobKind::Drawer, till_print::Doc::new())
    };
    let doc = if kick {
        doc.push(till_print::Block::DrawerKick)
    } else {
        doc
    };
    match encode(settings, &doc, None) {
        Ok(bytes) => queue_in(conn, now, kind, Some(&receipt.number), &bytes, dest).map(Some),
        Err(e) => {
            queue_failed_in(conn, now, kind, Some(&receipt.number), dest, &e.to_string()).map(Some)
        }
    }
}

/// The bytes that only open the drawer.
pub(crate) fn drawer_bytes(settings: &Settings) -> Vec<u8> {
    // A document of one drawer kick always encodes.
    encode(
        settings,
        &till_print::Doc::new().push(till_print::Block::DrawerKick),
        None,
    )
    .unwrap_or_default()
}

/// `doc` as ESC/POS at `width` (else the settings' width), in the
/// settings' code page.
pub(crate) fn encode(
    settings: &Settings,
    doc: &till_print::Doc,
    width: Option<u32>,
) -> Result<Vec<u8>> {
    let chars = width.unwrap_or(settings.printer_width);
    let width = till_print::Width::new(chars)
        .map_err(|e| Error::invalid(crate::input::Field::Width, e.to_string()))?;
    till_print::to_escpos(doc, width, settings.printer_codepage.page())
        .map_err(|e| Error::Refused(format!("the receipt cannot be printed: {e}")))
}

/// A job to send: its id, bytes and destination.
pub(crate) struct Due {
    pub id: i64,
    pub bytes: Vec<u8>,
    pub destination: String,
}

/// Takes the oldest queued job due at `now` (among `only`, when given;
/// never one in `skip`) and moves its next attempt to `hold_until`, so
/// another process sending the queue meanwhile leaves it alone. Run it in
/// a transaction of its own; the sending happens after its commit.
pub(crate) fn claim_due(
    conn: &Connection,
    now: DateTime<Utc>,
    hold_until: DateTime<Utc>,
    only: Option<&[i64]>,
    skip: &std::collections::HashSet<i64>,
) -> Result<Option<Due>> {
    let ids: Vec<i64> = conn
        .prepare_cached(
            "SELECT id FROM print_jobs WHERE state = 'queued' AND next_attempt_at <= ?1 ORDER BY id",
        )?
        .query_map([ts(now)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let Some(id) = ids
        .into_iter()
        .find(|id| !skip.contains(id) && only.is_none_or(|o| o.contains(id)))
    else {
        return Ok(None);
    };
    conn.prepare_cached("UPDATE print_jobs SET next_attempt_at = ?1 WHERE id = ?2")?
        .execute(params![ts(hold_until), id])?;
    Ok(Some(
        conn.prepare_cached("SELECT id, bytes, destination FROM print_jobs WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(Due {
                    id: r.get(0)?,
                    bytes: r.get(1)?,
                    destination: stored::text(r, 2)?,
                })
            })?,
    ))
}

/// The printer took job `id`.
pub(crate) fn mark_sent(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE print_jobs SET state = 'sent', attempts = attempts + 1, last_error = NULL, sent_at = ?1 WHERE id = ?2",
    )?
    .execute(params![ts(now), id])?;
    Ok(())
}

/// How long a sent job is kept (for `till printer queue` and the window's
/// queue), after which its row and bytes go: every sale that prints adds
/// one, and the order itself keeps what the receipt said.
pub const KEEP_SENT_DAYS: i64 = 7;

/// Removes the jobs sent before `KEEP_SENT_DAYS` ago.
pub(crate) fn prune_sent(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    let before = now - chrono::Duration::days(KEEP_SENT_DAYS);
    conn.prepare_cached("DELETE FROM print_jobs WHERE state = 'sent' AND sent_at < ?1")?
        .execute([ts(before)])?;
    Ok(())
}

/// Job `id` did not get through: one more attempt, the reason, and the
/// next try after the backoff, or given up (`failed`) when `give_up`.
pub(crate) fn mark_attempt_failed(
    conn: &Connection,
    id: i64,
    now: DateTime<Utc>,
    error: &str,
    give_up: bool,
) -> Result<()> {
    let attempts: i64 = conn
        .prepare_cached("SELECT attempts FROM print_jobs WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    let attempts = attempts.saturating_add(1);
    let next = now
        + chrono::Duration::from_std(backoff(attempts))
            .unwrap_or_else(|_| chrono::Duration::minutes(10));
    conn.prepare_cached(
        "UPDATE print_jobs SET attempts = ?1, last_error = ?2, next_attempt_at = ?3, \
         state = CASE WHEN ?4 THEN 'failed' ELSE 'queued' END WHERE id = ?5",
    )?
    .execute(params![attempts, error, ts(next), give_up, id])?;
    Ok(())
}

/// Makes every job not yet sent (queued or failed) due at `now`; with
/// `only`, just those. Returns their ids.
pub(crate) fn requeue(
    conn: &Connection,
    now: DateTime<Utc>,
    only: Option<i64>,
) -> Result<Vec<i64>> {
    let ids: Vec<i64> = conn
        .prepare_cached(
            "SELECT id FROM print_jobs WHERE state IN ('queued', 'failed') \
             AND length(bytes) > 0 AND (?1 IS NULL OR id = ?1) ORDER BY id",
        )?
        .query_map([only], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &ids {
        conn.prepare_cached(
            "UPDATE print_jobs SET state = 'queued', next_attempt_at = ?1 WHERE id = ?2",
        )?
        .execute(params![ts(now), id])?;
    }
    Ok(ids)
}

/// Job `id`, or None.
pub(crate) fn job(conn: &Connection, id: i64) -> Result<Option<PrintJob>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT_JOB} WHERE id = ?1"))?
        .query_row([id], read_job)
        .optional()?)
}

const SELECT_JOB: &str = "SELECT id, kind, order_ref, destination, state, attempts, last_error, \
     next_attempt_at, created_at, sent_at, length(bytes) FROM print_jobs";

fn read_job(r: &rusqlite::Row) -> rusqlite::Result<PrintJob> {
    Ok(PrintJob {
        id: r.get(0)?,
        kind: stored::enum_col(r, 1)?,
        order_ref: r.get(2)?,
        destination: stored::text(r, 3)?,
        state: stored::enum_col(r, 4)?,
        attempts: r.get(5)?,
        last_error: r.get(6)?,
        next_attempt_at: stored::time(r, 7)?,
        created_at: stored::time(r, 8)?,
        sent_at: stored::opt_time(r, 9)?,
        size: r.get(10)?,
    })
}

/// The newest `limit` jobs, newest first.
pub(crate) fn list(conn: &Connection, limit: i64) -> Result<Vec<PrintJob>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT_JOB} ORDER BY id DESC LIMIT ?1"))?
        .query_map([limit], read_job)?
        .collect::<rusqlite::Result<_>>()?)
}
