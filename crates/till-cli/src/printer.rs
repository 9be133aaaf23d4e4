//! `till printer set|show|test|queue|retry` and `till drawer open`: the
//! receipt printer, its queue and the cash drawer behind it. Every send
//! waits at most `$TILL_PRINT_TIMEOUT` seconds (5 unless set).

use std::time::Duration;

use clap::Subcommand;
use till_core::forms::SettingsForm;
use till_core::print_queue::{JobState, PrintJob};
use till_core::printing::{parse_timeout, SendReport, DEFAULT_TIMEOUT_SECS};
use till_core::settings::Settings;
use till_core::{Result, Store};

use crate::human::{words, Human};
use crate::run::Ctx;

#[derive(Debug, Subcommand)]
pub enum PrinterCmd {
    /// Set up the receipt printer. JSON: the printer settings
    /// {"to","width","codepage","drawer","auto_print"}.
    Set {
        /// Where receipts print: file:PATH, tcp:HOST:PORT (a network
        /// printer, port 9100 as a rule) or device:PATH (/dev/usb/lp0);
        /// "" for none.
        #[arg(long, value_name = "DEST")]
        to: Option<String>,
        /// Characters per line: 32 (58 mm paper), 42 or 48 (80 mm).
        #[arg(long, value_name = "N")]
        width: Option<String>,
        /// The printer's character table: cp858 (with the euro sign) or cp437.
        #[arg(long, value_name = "PAGE")]
        codepage: Option<String>,
        /// Open the cash drawer after a cash sale (true/false).
        #[arg(long)]
        drawer: Option<bool>,
        /// Print the receipt after every sale (true/false).
        #[arg(long)]
        auto_print: Option<bool>,
    },
    /// The printer settings.
    Show,
    /// Print a test page: width, code page (euro sign, accents), a barcode.
    Test {
        /// Another destination than the printer set.
        #[arg(long, value_name = "DEST")]
        to: Option<String>,
    },
    /// The print jobs, newest first: what is queued, sent or failed, and why.
    Queue {
        /// At most this many.
        #[arg(long, default_value = "50")]
        limit: String,
    },
    /// Send the jobs not yet printed again now (all, or one by its id).
    Retry { id: Option<String> },
}

#[derive(Debug, Subcommand)]
pub enum DrawerCmd {
    /// Open the cash drawer (through the receipt printer); recorded in the
    /// audit trail.
    Open,
}

/// The print timeout: `$TILL_PRINT_TIMEOUT` seconds, else 5.
pub fn timeout() -> Result<Duration> {
    match std::env::var("TILL_PRINT_TIMEOUT") {
        // The core names the field; here it is the environment's variable.
        Ok(t) => parse_timeout(&t).map_err(|e| match e {
            till_core::Error::Invalid { message, .. } => {
                till_core::Error::Refused(format!("invalid $TILL_PRINT_TIMEOUT: {message}"))
            }
            e => e,
        }),
        Err(_) => Ok(Duration::from_secs(DEFAULT_TIMEOUT_SECS)),
    }
}

/// The printer settings as `printer show` and `printer set` print them.
#[derive(serde::Serialize)]
struct PrinterSettings<'a> {
    to: Option<&'a str>,
    width: u32,
    codepage: &'static str,
    drawer: bool,
    auto_print: bool,
}

fn printer_settings(s: &Settings) -> PrinterSettings<'_> {
    PrinterSettings {
        to: s.printer_to.as_deref(),
        width: s.printer_width,
        codepage: s.printer_codepage.as_str(),
        drawer: s.drawer_kick,
        auto_print: s.auto_print,
    }
}

fn settings_text(p: &PrinterSettings<'_>) -> String {
    let yes = |b: bool| if b { "yes" } else { "no" };
    format!(
        "printer     {}\nwidth       {} characters\ncode page   {}\ndrawer      {}\nauto-print  {}",
        p.to.unwrap_or("(none)"),
        p.width,
        p.codepage,
        yes(p.drawer),
        yes(p.auto_print)
    )
}

pub fn printer(ctx: &Ctx, store: &mut Store, cmd: PrinterCmd) -> Result<()> {
    match cmd {
        PrinterCmd::Set {
            to,
            width,
            codepage,
            drawer,
            auto_print,
        } => {
            let form = SettingsForm {
                printer_to: to,
                printer_width: width,
                printer_codepage: codepage,
                drawer_kick: drawer,
                auto_print,
                ..Default::default()
            };
            let s = store.update_settings(form.update()?)?;
            let p = printer_settings(&s);
            ctx.out(&p, settings_text)
        }
        PrinterCmd::Show => {
            let p = printer_settings(store.settings());
            ctx.out(&p, settings_text)
        }
        PrinterCmd::Test { to } => {
            let job = store.print_test(to.as_deref(), timeout()?)?;
            ctx.out(&job, |j| format!("test page sent to {}", j.destination))
        }
        PrinterCmd::Queue { limit } => {
            let limit = till_core::input::whole(till_core::input::Field::Limit, &limit)?;
            let jobs = store.print_jobs(limit)?;
            ctx.out(&jobs, |j| jobs_text(j, &ctx.human))
        }
        PrinterCmd::Retry { id } => {
            let id = id
                .map(|t| till_core::input::whole(till_core::input::Field::Id, &t))
                .transpose()?;
            let report = store.retry_print_jobs(id, timeout()?)?;
            ctx.out(&report, report_text)?;
            if report.failed.is_empty() {
                Ok(())
            } else {
                Err(till_core::Error::Unavailable(format!(
                    "{} print job(s) did not print; they stay queued",
                    report.failed.len()
                )))
            }
        }
    }
}

pub fn drawer(ctx: &Ctx, store: &mut Store, cmd: DrawerCmd) -> Result<()> {
    match cmd {
        DrawerCmd::Open => {
            let job = store.open_drawer(timeout()?)?;
            ctx.out(&job, |j| format!("drawer opened ({})", j.destination))
        }
    }
}

/// Sends the jobs a sale queued, after its commit; a printer that does
/// not take them is a warning (the sale is complete, the job stays queued).
pub fn send_after_sale(ctx: &Ctx, store: &mut Store) -> Result<()> {
    let report = store.send_print_jobs(timeout()?)?;
    for f in &report.failed {
        let message = format!(
            "the receipt did not print ({}); print job {} is queued: `till printer retry`",
            f.error, f.id
        );
        if ctx.json {
            eprintln!(
                "{}",
                serde_json::json!({ "warning": { "code": "print_failed", "message": message } })
            );
        } else {
            eprintln!("till: warning: {message}");
        }
    }
    Ok(())
}

fn report_text(r: &SendReport) -> String {
    let mut s = format!("{} sent, {} not sent", r.sent.len(), r.failed.len());
    for f in &r.failed {
        s.push_str(&format!("\njob {}: {}", f.id, f.error));
    }
    s
}

fn jobs_text(jobs: &[PrintJob], h: &Human) -> String {
    if jobs.is_empty() {
        return "no print jobs".into();
    }
    let mut s = format!(
        "{:>5}  {:<8}  {:<14}  {:<7}  {:>8}  {:<17}  DESTINATION / ERROR\n",
        "ID", "KIND", "ORDER", "STATE", "ATTEMPTS", "CREATED"
    );
    for j in jobs {
        s.push_str(&format!(
            "{:>5}  {:<8}  {:<14}  {:<7}  {:>8}  {:<17}  {}",
            j.id,
            words(&j.kind),
            j.order_ref.as_deref().unwrap_or("-"),
            words(&j.state),
            j.attempts,
            h.moment(j.created_at),
            j.destination
        ));
        if let Some(e) = &j.last_error {
            s.push_str(&format!(": {e}"));
        }
        if j.state == JobState::Queued && j.attempts > 0 {
            s.push_str(&format!(" (next try {})", h.moment(j.next_attempt_at)));
        }
        s.push('\n');
    }
    s
}
