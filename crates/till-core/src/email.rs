//! Email receipts: the shop's mail server, and a queue of messages kept in
//! the store and sent when the network allows.
//!
//! Queuing (`queue_receipt`) only writes a row, so it fits inside the
//! sale's transaction and works offline. Sending (`send_queued_emails`)
//! happens outside any transaction: each job is claimed (its next attempt
//! moved past the send's timeout, so another process sending at the same
//! time leaves it alone), its PDF made from the stored order, the message
//! sent with lettre over rustls, and the outcome written in a transaction
//! of its own. A failure the server calls permanent (5xx) marks the job
//! failed until someone retries it; any other failure (no network, a
//! timeout, a 4xx, TLS) keeps it queued with a backoff of 10 s doubling to
//! 10 minutes, and a connection that cannot be made ends the run, so an
//! offline till does not wait out the timeout once per message.
//!
//! The password is never in the store: it is in the OS keyring
//! (`set_smtp_password`), or the front end passes one it was given (the
//! environment's `TILL_SMTP_PASSWORD`); this module reads no environment.

use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use till_print::PdfPaper;

use crate::audit;
use crate::error::{Error, Field, Result};
use crate::input::email_address;
use crate::pdf::receipt_pdf_in;
use crate::receipt::{doc_in, ReceiptOptions};
use crate::roles::Permission;
use crate::store::{ts, Store};
use crate::stored::{enum_col, opt_time, time as time_col};

/// The paper of the PDF an email carries: A4, as a customer prints it.
pub const EMAIL_PAPER: PdfPaper = PdfPaper::A4;
/// The first wait after a failed send; it doubles with each failure.
pub const FIRST_BACKOFF: Duration = Duration::from_secs(10);
/// The longest wait between attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(600);
/// The keyring's service name for the mail server's password.
const KEYRING_SERVICE: &str = "till-smtp";

/// How the connection to the mail server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// A plain connection upgraded with STARTTLS (port 587); a server that
    /// does not offer STARTTLS is refused, never used in plain text.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or network.
    None,
}

impl SmtpSecurity {
    pub fn as_str(self) -> &'static str {
        match self {
            SmtpSecurity::Starttls => "starttls",
            SmtpSecurity::Tls => "tls",
            SmtpSecurity::None => "none",
        }
    }

    pub fn parse(text: &str) -> Result<SmtpSecurity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "starttls" => Ok(SmtpSecurity::Starttls),
            "tls" | "ssl" => Ok(SmtpSecurity::Tls),
            "none" => Ok(SmtpSecurity::None),
            _ => Err(Error::invalid(
                Field::SmtpSecurity,
                format!("{text:?} is not one of starttls, tls or none"),
            )),
        }
    }
}

impl std::str::FromStr for SmtpSecurity {
    type Err = Error;
    fn from_str(s: &str) -> Result<SmtpSecurity> {
        SmtpSecurity::parse(s)
    }
}

/// The shop's outgoing mail server (`forms::SmtpForm` builds it from what
/// a user gives).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// The user name to sign in with; None: the server takes mail without.
    pub user: Option<String>,
    /// The sender's address; the shop's name is the sender's name.
    pub from: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum EmailState {
    Queued,
    Sent,
    Failed,
}

impl EmailState {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailState::Queued => "queued",
            EmailState::Sent => "sent",
            EmailState::Failed => "failed",
        }
    }
}

impl std::str::FromStr for EmailState {
    type Err = ();
    fn from_str(s: &str) -> std::result::Result<EmailState, ()> {
        match s {
            "queued" => Ok(EmailState::Queued),
            "sent" => Ok(EmailState::Sent),
            "failed" => Ok(EmailState::Failed),
            _ => Err(()),
        }
    }
}

/// One receipt to email, as queued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct EmailJob {
    pub id: i64,
    /// The receipt: an order's id, or a refund's number.
    pub reference: String,
    /// The receipt's number, as people know it (the order's number for an
    /// order's id).
    pub number: String,
    pub recipient: String,
    pub state: EmailState,
    pub attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When a queued job is next tried.
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// How one run of the sender went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SendReport {
    pub sent: u32,
    /// Refused by the server for good in this run.
    pub failed: u32,
    /// Still queued after the run (waiting for their next attempt).
    pub queued: u32,
    /// The error of this run's last failed attempt.
    pub last_error: Option<String>,
}

/// What a run of the sender is given.
#[derive(Debug, Clone)]
pub struct EmailSendOptions {
    /// For connecting and for each exchange with the server.
    pub timeout: Duration,
    /// The mail server's password, when the front end was given one; else
    /// the OS keyring's.
    pub password: Option<String>,
    /// Every queued job now, not only those whose backoff has passed (a
    /// person asked to send).
    pub all: bool,
}

const JOB_COLUMNS: &str =
    "id, reference, recipient, state, attempts, last_error, next_attempt_at, created_at, sent_at, \
     COALESCE((SELECT number FROM orders WHERE orders.id = email_jobs.reference), reference)";

fn job_row(r: &rusqlite::Row) -> rusqlite::Result<EmailJob> {
    Ok(EmailJob {
        id: r.get(0)?,
        reference: crate::stored::text(r, 1)?,
        recipient: crate::stored::text(r, 2)?,
        state: enum_col(r, 3)?,
        attempts: r.get(4)?,
        last_error: r.get(5)?,
        next_attempt_at: time_col(r, 6)?,
        created_at: time_col(r, 7)?,
        sent_at: opt_time(r, 8)?,
        number: crate::stored::text(r, 9)?,
    })
}

fn job(conn: &Connection, id: i64) -> Result<EmailJob> {
    conn.query_row(
        &format!("SELECT {JOB_COLUMNS} FROM email_jobs WHERE id = ?1"),
        [id],
        job_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("email", id.to_string()))
}

/// Queues the receipt of `reference` (an order's id) to `to`, inside the
/// caller's transaction: the sale's, when it asks for an emailed receipt.
/// The address is checked here; the receipt is made when it is sent.
pub(crate) fn queue_receipt(
    conn: &Connection,
    now: DateTime<Utc>,
    reference: &str,
    to: &str,
) -> Result<i64> {
    let to = email_address(Field::Recipient, to)?;
    conn.execute(
        "INSERT INTO email_jobs (reference, recipient, state, next_attempt_at, created_at) VALUES (?1, ?2, 'queued', ?3, ?3)",
        params![reference, to, ts(now)],
    )?;
    Ok(conn.last_insert_rowid())
}

fn load_smtp(conn: &Connection) -> Result<Option<SmtpSettings>> {
    Ok(conn
        .query_row(
            "SELECT host, port, security, username, from_address FROM smtp_settings WHERE id = 1",
            [],
            |r| {
                let port: i64 = r.get(1)?;
                Ok(SmtpSettings {
                    host: crate::stored::text(r, 0)?,
                    // The table's CHECK keeps it within 1..=65535; a value
                    // outside it is damage, never a default port.
                    port: u16::try_from(port).map_err(|_| {
                        crate::stored::fail(r, 1, &port.to_string(), "is not a port number")
                    })?,
                    security: enum_col(r, 2)?,
                    user: r.get(3)?,
                    from: crate::stored::text(r, 4)?,
                })
            },
        )
        .optional()?)
}

/// The keyring's name for the password of `user` at the server.
fn keyring_account(s: &SmtpSettings, user: &str) -> String {
    format!("{user}@{}:{}", s.host, s.port)
}

fn keyring_words(e: &keyring::Error) -> String {
    match e {
        keyring::Error::NoEntry => "none is stored in the OS keyring".into(),
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            "the OS keyring is not available here".into()
        }
        other => format!("keyring error: {other}"),
    }
}

/// Keeps `password` in the OS keyring for the user of `smtp`; the
/// keyring's account name.
fn keep_password(smtp: &SmtpSettings, password: &str) -> Result<String> {
    let Some(user) = smtp.user.as_deref() else {
        return Err(Error::invalid(
            Field::SmtpUser,
            "a password needs the user name it signs in with",
        ));
    };
    if password.is_empty() {
        return Err(Error::Refused("the password is empty".into()));
    }
    let account = keyring_account(smtp, user);
    let unavailable = |e: keyring::Error| {
        Error::Unavailable(format!("cannot keep the password: {}", keyring_words(&e)))
    };
    let entry = keyring::Entry::new(KEYRING_SERVICE, &account).map_err(unavailable)?;
    entry.set_password(password).map_err(unavailable)?;
    // Read it back: some headless backends accept a write they cannot keep.
    match entry.get_password() {
        Ok(p) if p == password => Ok(account),
        Ok(_) => Err(Error::Unavailable(
            "cannot keep the password: the OS keyring returned another".into(),
        )),
        Err(e) => Err(unavailable(e)),
    }
}

/// The wait after the `attempts`-th failed attempt.
pub fn backoff(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    FIRST_BACKOFF
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(MAX_BACKOFF)
}

fn later(now: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX)
}

impl Store {
    /// The mail server, if one is set up. Holds no secret.
    pub fn smtp_settings(&self) -> Result<Option<SmtpSettings>> {
        load_smtp(&self.conn)
    }

    /// Sets the mail server (the owner's).
    pub fn set_smtp(&mut self, smtp: SmtpSettings) -> Result<SmtpSettings> {
        let auth = self.require(Permission::ManageSettings)?;
        let now = self.now();
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO smtp_settings (id, host, port, security, username, from_address, updated_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET host = ?1, port = ?2, security = ?3, username = ?4,
                 from_address = ?5, updated_at = ?6",
            params![
                smtp.host,
                i64::from(smtp.port),
                smtp.security.as_str(),
                smtp.user,
                smtp.from,
                ts(now)
            ],
        )?;
        audit::record(
            &tx,
            &auth,
            now,
            "smtp.set",
            None,
            serde_json::json!({
                "host": smtp.host,
                "port": smtp.port,
                "security": smtp.security.as_str(),
                "user": smtp.user,
                "from": smtp.from,
            }),
        )?;
        tx.commit()?;
        Ok(smtp)
    }

    /// Keeps the mail server's password in the OS keyring (the owner's),
    /// under the server's user name, host and port. Never in the store.
    pub fn set_smtp_password(&mut self, password: &str) -> Result<()> {
        let auth = self.require(Permission::ManageSettings)?;
        let smtp = load_smtp(&self.conn)?.ok_or_else(|| {
            Error::Refused("set up the mail server (host, user) before its password".into())
        })?;
        let account = keep_password(&smtp, password)?;
        audit::record_now(
            self,
            &auth,
            "smtp.password",
            Some(&account),
            serde_json::json!({}),
        )
    }

    /// Sets the mail server and keeps its password, the password first: a
    /// keyring that cannot keep it leaves the settings as they were.
    pub fn set_smtp_with_password(
        &mut self,
        smtp: SmtpSettings,
        password: &str,
    ) -> Result<SmtpSettings> {
        let auth = self.require(Permission::ManageSettings)?;
        let account = keep_password(&smtp, password)?;
        let smtp = self.set_smtp(smtp)?;
        audit::record_now(
            self,
            &auth,
            "smtp.password",
            Some(&account),
            serde_json::json!({}),
        )?;
        Ok(smtp)
    }

    /// Queues the receipt of an order (id or number) or a refund (its
    /// number) to `to`. It is sent by `send_queued_emails`.
    pub fn email_receipt(&mut self, reference: &str, to: &str) -> Result<EmailJob> {
        self.require(Permission::Sell)?;
        let to = email_address(Field::Recipient, to)?;
        // The receipt must exist now; an order is queued by its id, which
        // no renumbering changes.
        doc_in(
            &self.conn,
            &self.settings,
            reference,
            &ReceiptOptions::default(),
        )?;
        let key = reference.trim();
        let order = crate::orders::order_id(&self.conn, key)?;
        let reference = order.unwrap_or_else(|| key.to_string());
        let now = self.now();
        let tx = self.write_tx()?;
        let id = queue_receipt(&tx, now, &reference, &to)?;
        let queued = job(&tx, id)?;
        tx.commit()?;
        Ok(queued)
    }

    /// Every email job, newest first (at most `limit`).
    pub fn email_jobs(&self, limit: usize) -> Result<Vec<EmailJob>> {
        self.require(Permission::LookUp)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {JOB_COLUMNS} FROM email_jobs ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit], job_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Queues a job again, to be tried at once: a failed one, or a queued
    /// one waiting out its backoff. A sent job is not sent twice.
    pub fn retry_email_job(&mut self, id: i64) -> Result<EmailJob> {
        self.require(Permission::Sell)?;
        let now = self.now();
        let tx = self.write_tx()?;
        let current = job(&tx, id)?;
        if current.state == EmailState::Sent {
            return Err(Error::Refused(format!(
                "email {id} was sent already; queue the receipt again to send another"
            )));
        }
        tx.execute(
            "UPDATE email_jobs SET state = 'queued', next_attempt_at = ?2 WHERE id = ?1",
            params![id, ts(now)],
        )?;
        let retried = job(&tx, id)?;
        tx.commit()?;
        Ok(retried)
    }

    /// Sends the queued receipts that are due (or all queued ones with
    /// `opts.all`). A mail server not set up, or a user without a
    /// password, is an error before any job is touched.
    pub fn send_queued_emails(&mut self, opts: &EmailSendOptions) -> Result<SendReport> {
        self.require(Permission::Sell)?;
        let smtp = load_smtp(&self.conn)?.ok_or_else(|| {
            Error::Refused(
                "no mail server is set up: give its host, port, security and sender address first"
                    .into(),
            )
        })?;
        let transport = self.transport(&smtp, opts)?;
        let from = Mailbox::new(
            Some(self.settings.store_name.clone()),
            smtp.from.parse().map_err(|_| {
                Error::invalid(
                    Field::From,
                    format!("{:?} is not an email address", smtp.from),
                )
            })?,
        );
        let mut report = SendReport::default();
        let mut after = 0i64;
        loop {
            let now = self.now();
            let next: Option<(i64, String)> = self
                .conn
                .query_row(
                    "SELECT id, next_attempt_at FROM email_jobs
                     WHERE state = 'queued' AND id > ?1 AND (?2 OR next_attempt_at <= ?3)
                     ORDER BY id LIMIT 1",
                    params![after, opts.all, ts(now)],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((id, due)) = next else { break };
            after = id;
            // Claim it past the time a send can take, so another sender
            // leaves it alone; the outcome below replaces the claim.
            let lease = later(
                now,
                opts.timeout.saturating_mul(4) + Duration::from_secs(60),
            );
            let claimed = {
                let tx = self.write_tx()?;
                let n = tx.execute(
                    "UPDATE email_jobs SET next_attempt_at = ?3 WHERE id = ?1 AND state = 'queued' AND next_attempt_at = ?2",
                    params![id, due, ts(lease)],
                )?;
                tx.commit()?;
                n == 1
            };
            if !claimed {
                continue;
            }
            let queued = job(&self.conn, id)?;
            let message = self.message(&queued, &from);
            let outcome = match message {
                Err(e) => Outcome::Failed(e.to_string()),
                Ok(m) => match transport.send(&m) {
                    Ok(_) => Outcome::Sent,
                    Err(e) if e.is_permanent() => Outcome::Failed(e.to_string()),
                    // The server answered "not now" (4xx): the next job may go.
                    Err(e) if e.is_transient() => Outcome::Later(e.to_string(), false),
                    // No connection, a timeout, TLS: the rest would fail alike.
                    Err(e) => Outcome::Later(error_words(&e), true),
                },
            };
            let now = self.now();
            let tx = self.write_tx()?;
            let stop = match outcome {
                Outcome::Sent => {
                    tx.execute(
                        "UPDATE email_jobs SET state = 'sent', sent_at = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1",
                        params![id, ts(now)],
                    )?;
                    report.sent += 1;
                    false
                }
                Outcome::Failed(why) => {
                    tx.execute(
                        "UPDATE email_jobs SET state = 'failed', attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                        params![id, why],
                    )?;
                    report.failed += 1;
                    report.last_error = Some(why);
                    false
                }
                Outcome::Later(why, stop) => {
                    let next = later(now, backoff(queued.attempts + 1));
                    tx.execute(
                        "UPDATE email_jobs SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3 WHERE id = ?1",
                        params![id, why, ts(next)],
                    )?;
                    report.last_error = Some(why);
                    stop
                }
            };
            tx.commit()?;
            if stop {
                break;
            }
        }
        report.queued = self.conn.query_row(
            "SELECT COUNT(*) FROM email_jobs WHERE state = 'queued'",
            [],
            |r| r.get(0),
        )?;
        Ok(report)
    }

    fn transport(&self, smtp: &SmtpSettings, opts: &EmailSendOptions) -> Result<SmtpTransport> {
        let tls = || {
            TlsParameters::new(smtp.host.clone()).map_err(|e| {
                Error::invalid(
                    Field::SmtpHost,
                    format!("{:?} cannot be used for TLS: {e}", smtp.host),
                )
            })
        };
        let mut builder = SmtpTransport::builder_dangerous(smtp.host.as_str())
            .port(smtp.port)
            .timeout(Some(opts.timeout))
            .tls(match smtp.security {
                // Required: no STARTTLS offered, no message sent.
                SmtpSecurity::Starttls => Tls::Required(tls()?),
                SmtpSecurity::Tls => Tls::Wrapper(tls()?),
                SmtpSecurity::None => Tls::None,
            });
        if let Some(user) = &smtp.user {
            let password = match &opts.password {
                Some(p) => p.clone(),
                None => {
                    let account = keyring_account(smtp, user);
                    keyring::Entry::new(KEYRING_SERVICE, &account)
                        .and_then(|e| e.get_password())
                        .map_err(|e| {
                            Error::Refused(format!(
                                "no password for {user} at {}: {}",
                                smtp.host,
                                keyring_words(&e)
                            ))
                        })?
                }
            };
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(builder.build())
    }

    /// The message of one job: a short text and the receipt as a PDF,
    /// made now from the stored order.
    fn message(&self, job: &EmailJob, from: &Mailbox) -> Result<Message> {
        let to: Mailbox = job.recipient.parse().map_err(|_| {
            Error::invalid(
                Field::Recipient,
                format!("{:?} is not an email address", job.recipient),
            )
        })?;
        let number: String = self
            .conn
            .query_row(
                "SELECT number FROM orders WHERE id = ?1",
                [&job.reference],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_else(|| job.reference.clone());
        let pdf = receipt_pdf_in(&self.conn, &self.settings, &job.reference, EMAIL_PAPER)?;
        let shop = &self.settings.store_name;
        let pdf_type = ContentType::parse("application/pdf")
            .map_err(|e| Error::Internal(format!("the PDF content type: {e}")))?;
        let file = format!("receipt-{}.pdf", file_safe(&number));
        Message::builder()
            .from(from.clone())
            .to(to)
            .subject(format!("Your receipt {number} from {shop}"))
            .multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(format!(
                        "Thank you for shopping at {shop}.\n\nYour receipt {number} is attached as a PDF.\n"
                    )))
                    .singlepart(Attachment::new(file).body(pdf, pdf_type)),
            )
            .map_err(|e| Error::Internal(format!("the message cannot be built: {e}")))
    }
}

enum Outcome {
    Sent,
    /// Refused for good.
    Failed(String),
    /// To be tried again; true: the run stops (no connection).
    Later(String, bool),
}

/// A lettre error in words with its cause: some of lettre's words stop at
/// "Connection error", others already end with the cause.
fn error_words(e: &lettre::transport::smtp::Error) -> String {
    use std::error::Error as _;
    let words = e.to_string();
    match e.source().map(|c| c.to_string()) {
        Some(cause) if !words.ends_with(&cause) => format!("{words}: {cause}"),
        _ => words,
    }
}

/// Letters, digits, `-` and `_` of a receipt number, for a file name.
fn file_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_ten_seconds_to_ten_minutes() {
        let secs: Vec<u64> = (1..=9).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(secs, [10, 20, 40, 80, 160, 320, 600, 600, 600]);
        assert_eq!(backoff(i64::MAX).as_secs(), 600);
    }
}
