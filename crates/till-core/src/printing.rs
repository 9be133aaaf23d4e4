//! Printing: sending the print queue's jobs to the printer after the
//! transaction that queued them, reprints, the test page, opening the cash
//! drawer. Every send has a time limit (the front ends read it, e.g. from
//! `$TILL_PRINT_TIMEOUT`, and pass it in), and no store transaction is
//! open while bytes travel: a printer that never reads holds nobody but
//! the caller, for the timeout, and the job stays queued.

use std::time::Duration;

use serde::Serialize;
use till_print::{Block, Destination, Doc, SendError};

use crate::error::{Error, Result};
use crate::input::Field;
use crate::print_queue::{self, JobKind, PrintJob};
use crate::receipt::ReceiptOptions;
use crate::roles::Permission;
use crate::settings::{printer_destination, printer_width};
use crate::store::Store;

/// Seconds a print waits for the printer unless the front end was told otherwise.
pub const DEFAULT_TIMEOUT_SECS: u64 = 5;

/// A print timeout as given (`$TILL_PRINT_TIMEOUT`): whole seconds, 1 to 600.
pub fn parse_timeout(text: &str) -> Result<Duration> {
    match text.trim().parse::<u64>() {
        Ok(n) if (1..=600).contains(&n) => Ok(Duration::from_secs(n)),
        _ => Err(Error::invalid(
            Field::Timeout,
            format!("{text:?} is not a print timeout: whole seconds from 1 to 600"),
        )),
    }
}

/// What one run over the queue did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
pub struct SendReport {
    /// Jobs the printer took.
    pub sent: Vec<i64>,
    /// Jobs that did not get through, with why; queued again unless given up.
    pub failed: Vec<SendFailure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SendFailure {
    pub id: i64,
    pub destination: String,
    pub error: String,
    /// True when the job waits for a retry; false when it was given up
    /// (a file that cannot be written).
    pub queued: bool,
}

/// A failure worth no automatic retry: the destination is a file that
/// cannot be written (a missing folder, no permission). A printer's device
/// file or network address may come back, so those stay queued.
fn gives_up(dest: &Destination, e: &SendError) -> bool {
    matches!(dest, Destination::File(_))
        && matches!(e, SendError::Open { .. } | SendError::Write { .. })
}

impl Store {
    /// Sends the queued jobs that are due, oldest first, each within
    /// `timeout`. A job that fails gets one more attempt counted, the
    /// reason, and its next try after the backoff; the queue is never
    /// emptied by a failure. Needs no permission: it only delivers what an
    /// allowed operation queued (like sync), so the app's background
    /// sender runs it while the till is locked.
    pub fn send_print_jobs(&mut self, timeout: Duration) -> Result<SendReport> {
        self.send_jobs(None, timeout)
    }

    /// Makes the jobs not yet printed due now (all, or job `id`), including
    /// given-up ones, and sends them.
    pub fn retry_print_jobs(&mut self, id: Option<i64>, timeout: Duration) -> Result<SendReport> {
        self.require(Permission::Sell)?;
        let now = self.now();
        let tx = self.write_tx()?;
        if let Some(id) = id {
            if print_queue::job(&tx, id)?.is_none() {
                return Err(Error::not_found("print job", id.to_string()));
            }
        }
        let ids = print_queue::requeue(&tx, now, id)?;
        tx.commit()?;
        self.send_jobs(Some(ids), timeout)
    }

    /// The newest `limit` print jobs, newest first.
    pub fn print_jobs(&self, limit: i64) -> Result<Vec<PrintJob>> {
        self.require(Permission::LookUp)?;
        print_queue::list(&self.conn, limit.clamp(1, 10_000))
    }

    /// Prints the receipt of `reference` (an order's id or number) to
    /// `to` (else the settings' printer): queued, then sent within
    /// `timeout`. A printer that does not take it leaves the job queued
    /// and is `Unavailable` (saying so); a file that cannot be written is
    /// bad input (`Invalid`, the printer field) and the job is given up.
    pub fn print_receipt(
        &mut self,
        reference: &str,
        to: Option<&str>,
        opts: &ReceiptOptions,
        timeout: Duration,
    ) -> Result<PrintJob> {
        self.require(Permission::LookUp)?;
        let dest = self.destination(to)?;
        if let Some(w) = opts.width {
            printer_width(Field::Width, w)?;
        }
        let doc = crate::receipt::doc_in(&self.conn, &self.settings, reference, opts)?;
        let bytes = print_queue::encode(&self.settings, &doc, opts.width)?;
        let order_ref = self.order_number(reference)?;
        self.queue_and_send(JobKind::Receipt, Some(&order_ref), &bytes, &dest, timeout)
    }

    /// Prints product labels (`Store::labels`: name, price now, barcode),
    /// each `copies` times, to `to` (else the settings' printer), at the
    /// settings' paper width. An unknown SKU is refused by name.
    pub fn print_labels(
        &mut self,
        skus: &[String],
        copies: u32,
        to: Option<&str>,
        timeout: Duration,
    ) -> Result<PrintJob> {
        let dest = self.destination(to)?;
        let labels = self.labels(skus)?;
        let copies = crate::receipt::copies(&copies.to_string())?;
        let width = till_print::Width::new(self.settings.printer_width)
            .map_err(|e| Error::invalid(Field::Width, e.to_string()))?;
        let doc = till_print::labels_doc(&labels, copies, width);
        let bytes = print_queue::encode(&self.settings, &doc, None)?;
        self.queue_and_send(JobKind::Label, None, &bytes, &dest, timeout)
    }

    /// Prints a test page to `to` (else the settings' printer): the
    /// paper's width, the code page with its euro sign and accented
    /// letters, a barcode and the cut.
    pub fn print_test(&mut self, to: Option<&str>, timeout: Duration) -> Result<PrintJob> {
        self.require(Permission::Sell)?;
        let dest = self.destination(to)?;
        let s = &self.settings;
        let width = s.printer_width as usize;
        let doc = Doc::new()
            .push(Block::Text {
                text: "Till printer test".into(),
                align: till_print::Align::Center,
                bold: true,
                size: till_print::Size::Normal,
            })
            .push(Block::text(format!("Printer: {dest}")))
            .push(Block::text(format!(
                "Paper: {width} characters, code page {}",
                s.printer_codepage.as_str()
            )))
            .push(Block::text(
                "1234567890".repeat(width.div_ceil(10))[..width].to_string(),
            ))
            .push(Block::Rule)
            .push(Block::columns("Euro sign", "€ 1.00"))
            .push(Block::text("Accents: àáâäçèéêëíñóöúüß ÀÉÑÖÜ"))
            .push(Block::Barcode128("TILL-TEST".into()))
            .push(Block::Feed(1))
            .push(Block::Cut);
        let bytes = print_queue::encode(&self.settings, &doc, None)?;
        self.queue_and_send(JobKind::Test, None, &bytes, &dest, timeout)
    }

    /// Opens the cash drawer (plugged into the receipt printer) outside a
    /// sale: audited as `drawer.open`, then sent within `timeout`.
    pub fn open_drawer(&mut self, timeout: Duration) -> Result<PrintJob> {
        let auth = self.require(Permission::OpenDrawer)?;
        let dest = self.destination(None)?;
        let now = self.now();
        let bytes = print_queue::drawer_bytes(&self.settings);
        let tx = self.write_tx()?;
        crate::audit::record(
            &tx,
            &auth,
            now,
            "drawer.open",
            None,
            serde_json::json!({ "printer": dest.to_string() }),
        )?;
        let id = print_queue::queue_in(&tx, now, JobKind::Drawer, None, &bytes, &dest.to_string())?;
        tx.commit()?;
        self.send_one(id, timeout)
    }

    /// The destination given, else the settings' printer; neither is bad input.
    fn destination(&self, to: Option<&str>) -> Result<Destination> {
        match crate::input::given(to).or(self.settings.printer_to.as_deref()) {
            Some(d) => printer_destination(d),
            None => Err(Error::invalid(
                Field::Printer,
                "no receipt printer is set: give one, or set it with `till printer set --to DEST`",
            )),
        }
    }

    /// The order number of an order's id or number (or a refund's number).
    fn order_number(&self, reference: &str) -> Result<String> {
        use rusqlite::OptionalExtension;
        let key = reference.trim();
        let number: Option<String> = self
            .conn
            .query_row(
                "SELECT number FROM orders WHERE id = ?1 OR number = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        Ok(number.unwrap_or_else(|| key.to_string()))
    }

    /// Queues `bytes` in a transaction of its own and sends the job.
    fn queue_and_send(
        &mut self,
        kind: JobKind,
        order_ref: Option<&str>,
        bytes: &[u8],
        dest: &Destination,
        timeout: Duration,
    ) -> Result<PrintJob> {
        let now = self.now();
        let tx = self.write_tx()?;
        let id = print_queue::queue_in(&tx, now, kind, order_ref, bytes, &dest.to_string())?;
        tx.commit()?;
        self.send_one(id, timeout)
    }

    /// Sends job `id` now; its error says whether it stays queued.
    fn send_one(&mut self, id: i64, timeout: Duration) -> Result<PrintJob> {
        let report = self.send_jobs(Some(vec![id]), timeout)?;
        if let Some(f) = report.failed.first() {
            return Err(if f.queued {
                Error::Unavailable(format!(
                    "{}; the job is queued (print job {id}) and is retried later, or now with `till printer retry`",
                    f.error
                ))
            } else {
                Error::invalid(
                    Field::Printer,
                    format!(
                        "{}: nothing was printed (print job {id} is given up)",
                        f.error
                    ),
                )
            });
        }
        print_queue::job(&self.conn, id)?
            .ok_or_else(|| Error::Internal(format!("print job {id} is gone")))
    }

    /// Sends the due jobs (those in `only`, when given), one at a time: each
    /// is claimed in a short transaction (so another process sending the
    /// queue leaves it alone), sent with no transaction open, and its
    /// outcome written in another.
    fn send_jobs(&mut self, only: Option<Vec<i64>>, timeout: Duration) -> Result<SendReport> {
        let mut report = SendReport::default();
        let mut seen = std::collections::HashSet::new();
        loop {
            let now = self.now();
            let hold = now
                + chrono::Duration::from_std(timeout).unwrap_or(chrono::Duration::minutes(10))
                + chrono::Duration::seconds(30);
            let tx = self.write_tx()?;
            let Some(job) = print_queue::claim_due(&tx, now, hold, only.as_deref(), &seen)? else {
                return Ok(report);
            };
            tx.commit()?;
            seen.insert(job.id);
            let outcome = match Destination::parse(&job.destination) {
                Ok(dest) => till_print::send(&dest, &job.bytes, timeout)
                    .map_err(|e| (gives_up(&dest, &e), e.to_string())),
                Err(e) => Err((true, e.to_string())),
            };
            let now = self.now();
            let tx = self.write_tx()?;
            match outcome {
                Ok(()) => {
                    print_queue::mark_sent(&tx, job.id, now)?;
                    print_queue::prune_sent(&tx, now)?;
                    report.sent.push(job.id);
                }
                Err((give_up, error)) => {
                    print_queue::mark_attempt_failed(&tx, job.id, now, &error, give_up)?;
                    report.failed.push(crate::printing::SendFailure {
                        id: job.id,
                        destination: job.destination.clone(),
                        error,
                        queued: !give_up,
                    });
                }
            }
            tx.commit()?;
        }
    }
}
