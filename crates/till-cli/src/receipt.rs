//! `till receipt …` and `till label …`: receipts and shelf labels as PDF
//! files, and receipts by email.

use std::path::PathBuf;
use std::time::Duration;

use clap::Subcommand;
use till_core::email::EmailSendOptions;
use till_core::input::Field;
use till_core::{Error, Result, Store};

use crate::run::{Ctx, Outcome};

#[derive(Debug, Subcommand)]
pub enum ReceiptCmd {
    /// Save an order's (or a refund's) receipt as a PDF with selectable text.
    Pdf {
        /// The order's id or receipt number, or a refund's number.
        order: String,
        /// The PDF file to write (replaced whole, or left as it was).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// 80mm (a roll as long as the receipt) or a4 (pages).
        #[arg(long, default_value = "80mm")]
        paper: String,
    },
    /// Queue the receipt, as a PDF, to an email address; it is sent by
    /// `till receipt send-queued` (or by the app, when the network allows).
    Email {
        /// The order's id or receipt number, or a refund's number.
        order: String,
        /// The customer's address.
        #[arg(long, value_name = "ADDRESS")]
        to: String,
    },
    /// Send every queued email receipt now, through the mail server of
    /// `till email set` (its password from $TILL_SMTP_PASSWORD, else the
    /// OS keyring). Exits 1 when some are still queued after a failure.
    SendQueued {
        /// Seconds to wait for the mail server (default 15).
        #[arg(long, value_name = "SECONDS")]
        timeout: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LabelCmd {
    /// Save shelf labels (name, price, barcode) as an A4 PDF sheet of 3 x 8.
    Pdf {
        /// The products' SKUs, one label each, in order.
        #[arg(required = true)]
        skus: Vec<String>,
        /// The PDF file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// The password of the mail server given to this process, if any.
pub(crate) fn smtp_password_from_env() -> Option<String> {
    std::env::var("TILL_SMTP_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
}

fn seconds(text: &Option<String>, default: u64) -> Result<Duration> {
    match text {
        None => Ok(Duration::from_secs(default)),
        Some(t) => match t.trim().parse::<u64>() {
            Ok(s) if (1..=3600).contains(&s) => Ok(Duration::from_secs(s)),
            _ => Err(Error::invalid(
                Field::Timeout,
                format!("{t:?} is not a whole number of seconds from 1 to 3600"),
            )),
        },
    }
}

pub(crate) fn receipt(ctx: &Ctx, store: &mut Store, cmd: ReceiptCmd) -> Result<Outcome> {
    match cmd {
        ReceiptCmd::Pdf { order, out, paper } => {
            let paper = till_core::pdf::parse_paper(&paper)?;
            let pdf = store.receipt_pdf(&order, paper)?;
            till_core::pdf::save_file(&out, &pdf)?;
            let report = serde_json::json!({
                "path": out.display().to_string(),
                "bytes": pdf.len(),
                "paper": paper.as_str(),
            });
            ctx.out(&report, |_| {
                format!(
                    "receipt {} saved to {} ({paper})",
                    order.trim(),
                    out.display()
                )
            })?;
        }
        ReceiptCmd::Email { order, to } => {
            let job = store.email_receipt(&order, &to)?;
            ctx.out(&job, |j| {
                format!(
                    "receipt {} queued for {} (email {}); `till receipt send-queued` sends it",
                    order.trim(),
                    j.recipient,
                    j.id
                )
            })?;
        }
        ReceiptCmd::SendQueued { timeout } => {
            let opts = EmailSendOptions {
                timeout: seconds(&timeout, 15)?,
                password: smtp_password_from_env(),
                all: true,
            };
            let report = store.send_queued_emails(&opts)?;
            ctx.out(&report, |r| {
                format!(
                    "{} sent, {} failed, {} still queued",
                    r.sent, r.failed, r.queued
                )
            })?;
            if let Some(why) = &report.last_error {
                if report.failed > 0 || report.queued > 0 {
                    eprintln!(
                        "till: not every receipt was sent ({} failed, {} still queued): {why}",
                        report.failed, report.queued
                    );
                    return Ok(Outcome::Failed);
                }
            }
        }
    }
    Ok(Outcome::Done)
}

pub(crate) fn label(ctx: &Ctx, store: &mut Store, cmd: LabelCmd) -> Result<()> {
    match cmd {
        LabelCmd::Pdf { skus, out } => {
            let pdf = store.label_sheet_pdf(&skus)?;
            till_core::pdf::save_file(&out, &pdf)?;
            let report = serde_json::json!({
                "path": out.display().to_string(),
                "bytes": pdf.len(),
                "labels": skus.len(),
            });
            ctx.out(&report, |_| {
                format!("{} labels saved to {}", skus.len(), out.display())
            })
        }
    }
}
