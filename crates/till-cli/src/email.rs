//! `till email …`: the mail server that email receipts go through, and
//! the queue of email receipts.

use clap::Subcommand;
use till_core::email::SmtpSecurity;
use till_core::forms::SmtpForm;
use till_core::input::Field;
use till_core::{Error, Result, Store};

use crate::run::Ctx;
use crate::staff::Credentials;

#[derive(Debug, Subcommand)]
pub enum EmailCmd {
    /// Set the mail server email receipts go through. The password (when
    /// the server wants one) is kept in the OS keyring: give it on a line
    /// of stdin with --password-stdin; on a machine without a keyring, set
    /// $TILL_SMTP_PASSWORD where receipts are sent instead.
    Set {
        /// The server's host name (smtp.example.com).
        #[arg(long)]
        host: String,
        /// Default: 587 for starttls, 465 for tls, 25 for none.
        #[arg(long)]
        port: Option<String>,
        /// starttls (refused if the server does not offer it), tls or none.
        #[arg(long, default_value = "starttls")]
        security: String,
        /// The user name to sign in with (none: the server takes mail without).
        #[arg(long, value_name = "USER")]
        smtp_user: Option<String>,
        /// The sender's address; the shop's name is the sender's name.
        #[arg(long, value_name = "ADDRESS")]
        from: String,
        /// Read the password from the next line of stdin and keep it in the OS keyring.
        #[arg(long)]
        password_stdin: bool,
    },
    /// The mail server (no password is ever shown).
    Show,
    /// Email receipts, newest first: queued, sent, failed, with the last error.
    Queue,
    /// Queue a failed (or waiting) email receipt to be sent at once.
    Retry { id: String },
}

pub(crate) fn run(
    ctx: &Ctx,
    store: &mut Store,
    creds: &mut Credentials,
    cmd: EmailCmd,
) -> Result<()> {
    match cmd {
        EmailCmd::Set {
            host,
            port,
            security,
            smtp_user,
            from,
            password_stdin,
        } => {
            let port = match port {
                Some(p) => p,
                None => match SmtpSecurity::parse(&security)? {
                    SmtpSecurity::Starttls => "587".into(),
                    SmtpSecurity::Tls => "465".into(),
                    SmtpSecurity::None => "25".into(),
                },
            };
            let smtp = SmtpForm {
                host,
                port,
                security,
                user: smtp_user,
                from,
            }
            .parse()?;
            // Read before anything is saved, so a missing password changes nothing.
            let password = if password_stdin {
                if smtp.user.is_none() {
                    return Err(Error::invalid(
                        Field::SmtpUser,
                        "a password needs the user name it signs in with",
                    ));
                }
                match creds.stdin_line()? {
                    Some(p) if !p.is_empty() => Some(p),
                    _ => {
                        return Err(Error::Refused(
                            "--password-stdin: no password on the next line of stdin".into(),
                        ))
                    }
                }
            } else {
                None
            };
            let (smtp, password_words) = match password {
                None => (store.set_smtp(smtp)?, ""),
                Some(p) => match store.set_smtp_with_password(smtp.clone(), &p) {
                    Ok(s) => (s, "; password kept in the OS keyring"),
                    // A headless till: the password comes from the environment.
                    Err(Error::Unavailable(why))
                        if crate::receipt::smtp_password_from_env().is_some() =>
                    {
                        tracing::warn!("{why}");
                        (
                            store.set_smtp(smtp)?,
                            "; no OS keyring here: the password comes from $TILL_SMTP_PASSWORD",
                        )
                    }
                    Err(e) => return Err(e),
                },
            };
            ctx.out(&smtp, |s| format!("{}{password_words}", smtp_words(s)))
        }
        EmailCmd::Show => {
            let smtp = store.smtp_settings()?;
            ctx.out(&serde_json::json!({ "smtp": smtp }), |_| match &smtp {
                Some(s) => smtp_words(s),
                None => "no mail server is set up (`till email set`)".into(),
            })
        }
        EmailCmd::Queue => {
            let jobs = store.email_jobs(500)?;
            ctx.out(&jobs, |jobs| {
                if jobs.is_empty() {
                    return "no email receipts".into();
                }
                jobs.iter()
                    .map(|j| {
                        let mut line = format!(
                            "{:>4}  {:<6}  {}  to {}  ({} attempts)",
                            j.id,
                            j.state.as_str(),
                            j.number,
                            j.recipient,
                            j.attempts
                        );
                        if let Some(e) = &j.last_error {
                            line.push_str(&format!("\n      last error: {e}"));
                        }
                        line
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        EmailCmd::Retry { id } => {
            let id = till_core::input::whole(Field::Id, &id)?;
            let job = store.retry_email_job(id)?;
            ctx.out(&job, |j| format!("email {} queued again", j.id))
        }
    }
}

fn smtp_words(s: &till_core::email::SmtpSettings) -> String {
    format!(
        "mail server {}:{} ({}), user {}, from {}",
        s.host,
        s.port,
        s.security.as_str(),
        s.user.as_deref().unwrap_or("(none)"),
        s.from
    )
}
