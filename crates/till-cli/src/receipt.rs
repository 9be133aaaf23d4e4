//! `till receipt text` and `till label text`: a receipt or product labels
//! as plain text, line for line as they print. `--json` gives
//! `{"reference","width","text"}` (`{"width","text","labels"}` for labels).
//! `till receipt pdf` and `till label pdf`: the same as PDF files;
//! `till receipt email` and `send-queued`: receipts by email.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use serde::Serialize;
use till_core::email::EmailSendOptions;
use till_core::input::Field;
use till_core::receipt::ReceiptOptions;
use till_core::{Error, Result, Store};

use crate::run::{Ctx, Outcome};

/// How a receipt is laid out: `receipt text` and `receipt print` take the same flags.
#[derive(Debug, Args)]
pub struct Layout {
    /// Characters per line: 32 (58 mm paper), 42 or 48 (80 mm).
    #[arg(long, value_name = "N")]
    width: Option<String>,
    /// A gift receipt: the items without prices or totals.
    #[arg(long)]
    gift: bool,
    /// A reprint, marked COPY.
    #[arg(long)]
    copy: bool,
}

impl Layout {
    fn options(&self) -> Result<ReceiptOptions> {
        Ok(ReceiptOptions {
            width: width(self.width.as_deref())?,
            gift: self.gift,
            copy: self.copy,
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum ReceiptCmd {
    /// A receipt as plain text, as printed: an order (id or receipt
    /// number), or a refund (its number, K7QF-000123-R1, or its id) for
    /// the refund's receipt.
    Text {
        /// Order id or receipt number; a refund's number (NUMBER-R1) or id.
        order: String,
        #[command(flatten)]
        layout: Layout,
    },
    /// Print a receipt on the receipt printer (or another destination).
    /// Waits at most $TILL_PRINT_TIMEOUT seconds (5): a printer that does
    /// not answer exits 1 and the job stays queued (`till printer retry`).
    /// JSON: the print job.
    Print {
        /// Order id or receipt number, or a refund's id.
        order: String,
        /// file:PATH, tcp:HOST:PORT or device:PATH; else the printer set.
        #[arg(long, value_name = "DEST")]
        to: Option<String>,
        #[command(flatten)]
        layout: Layout,
    },
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
    /// Product labels as plain text, as the receipt printer prints them:
    /// name, price now and barcode (EAN-13, else Code 128 of the SKU).
    Text {
        /// SKUs, one label each.
        #[arg(required = true)]
        skus: Vec<String>,
        /// Each label this many times.
        #[arg(long, value_name = "N", default_value = "1")]
        copies: String,
        /// Characters per line: 32, 42 or 48.
        #[arg(long, value_name = "N")]
        width: Option<String>,
    },
    /// Print product labels on the receipt printer (or another
    /// destination). JSON: the print job.
    Print {
        /// SKUs, one label each.
        #[arg(required = true)]
        skus: Vec<String>,
        /// Each label this many times.
        #[arg(long, value_name = "N", default_value = "1")]
        copies: String,
        /// file:PATH, tcp:HOST:PORT or device:PATH; else the printer set.
        #[arg(long, value_name = "DEST")]
        to: Option<String>,
    },
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

/// `--width N` as the core reads it: a whole number (its value checked by
/// the core), or absent for the store's paper.
pub(crate) fn width(text: Option<&str>) -> Result<Option<u32>> {
    let Some(text) = text else { return Ok(None) };
    let n = till_core::input::whole(Field::Width, text)?;
    u32::try_from(n).map(Some).map_err(|_| {
        Error::invalid(
            Field::Width,
            format!("{n} is not a paper width: use 32, 42 or 48"),
        )
    })
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

#[derive(Serialize)]
struct Printed<'a> {
    reference: &'a str,
    width: u32,
    text: String,
}

pub fn run(ctx: &Ctx, store: &mut Store, cmd: ReceiptCmd) -> Result<Outcome> {
    match cmd {
        ReceiptCmd::Print { order, to, layout } => {
            let opts = layout.options()?;
            let timeout = crate::printer::timeout()?;
            let job = store.print_receipt(&order, to.as_deref(), &opts, timeout)?;
            ctx.out(&job, |j| {
                format!("receipt {} printed to {}", order, j.destination)
            })?;
        }
        ReceiptCmd::Text { order, layout } => {
            let opts = layout.options()?;
            let paper = opts.paper(store.settings())?;
            let text = store.receipt_text(&order, &opts)?;
            let out = Printed {
                reference: &order,
                width: paper.chars() as u32,
                text,
            };
            ctx.out(&out, |p| p.text.clone())?;
        }
        ReceiptCmd::Pdf { order, out, paper } => {
            let paper = till_core::pdf::parse_paper(&paper)?;
            let pdf = store.receipt_pdf(&order, paper)?;
            till_core::save::save_file(&out, &pdf)?;
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

#[derive(Serialize)]
struct LabelsOut {
    width: u32,
    text: String,
    labels: Vec<LabelOut>,
}

#[derive(Serialize)]
struct LabelOut {
    name: String,
    price: String,
    /// "ean13" or "code128".
    symbology: &'static str,
    code: String,
}

pub fn label(ctx: &Ctx, store: &mut Store, cmd: LabelCmd) -> Result<()> {
    match cmd {
        LabelCmd::Print { skus, copies, to } => {
            let copies = till_core::receipt::copies(&copies)?;
            let timeout = crate::printer::timeout()?;
            let job = store.print_labels(&skus, copies, to.as_deref(), timeout)?;
            ctx.out(&job, |j| format!("labels printed to {}", j.destination))
        }
        LabelCmd::Text {
            skus,
            copies,
            width: w,
        } => {
            let copies = till_core::receipt::copies(&copies)?;
            let opts = ReceiptOptions {
                width: width(w.as_deref())?,
                ..Default::default()
            };
            let paper = opts.paper(store.settings())?;
            let labels = store.labels(&skus)?;
            let text = till_print::to_text(&till_print::labels_doc(&labels, copies, paper), paper);
            let out = LabelsOut {
                width: paper.chars() as u32,
                text,
                labels: labels
                    .into_iter()
                    .map(|l| {
                        let (symbology, code) = match l.code {
                            till_print::LabelCode::Ean13(c) => ("ean13", c),
                            till_print::LabelCode::Code128(c) => ("code128", c),
                        };
                        LabelOut {
                            name: l.name,
                            price: l.price,
                            symbology,
                            code,
                        }
                    })
                    .collect(),
            };
            ctx.out(&out, |o| o.text.clone())
        }
        LabelCmd::Pdf { skus, out } => {
            let pdf = store.label_sheet_pdf(&skus)?;
            till_core::save::save_file(&out, &pdf)?;
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
