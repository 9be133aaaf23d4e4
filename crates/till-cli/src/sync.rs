//! `till sync …`: login, run, status and dead letters.

use std::io::{IsTerminal, Read};
use std::time::{Duration, Instant};

use till_core::input::Field;
use till_core::{Error, Result, Store};
use till_sync::{RunEnd, SyncError, SyncOptions};

use crate::cli::SyncCmd;
use crate::run::Ctx;

fn sync_err(e: SyncError) -> Error {
    match e {
        SyncError::Store(e) => e,
        SyncError::Setup(m) => Error::Internal(m),
        other => Error::Refused(other.to_string()),
    }
}

fn seconds(field: Field, text: &Option<String>, default: u64) -> Result<Duration> {
    match text {
        None => Ok(Duration::from_secs(default)),
        Some(t) => match t.trim().parse::<f64>() {
            Ok(s) if s > 0.0 && s.is_finite() => Ok(Duration::from_secs_f64(s)),
            _ => Err(Error::invalid(
                field,
                format!("{t:?} is not a positive number of seconds"),
            )),
        },
    }
}

fn check_endpoint(endpoint: &str) -> Result<String> {
    till_sync::client::normalize_endpoint(endpoint)
        .map_err(|e| Error::invalid(Field::Endpoint, e.to_string()))
}

pub fn run(ctx: &Ctx, store: &mut Store, cmd: SyncCmd) -> Result<()> {
    match cmd {
        SyncCmd::Login { endpoint } => {
            let endpoint = check_endpoint(&endpoint)?;
            // The owner's: asked before the token is stored anywhere.
            store.require(till_core::Permission::SyncLogin)?;
            // With TILL_SYNC_TOKEN set (a headless till), the token comes
            // from the environment: nothing need be typed, and a machine
            // without a keyring still logs in.
            let from_env = std::env::var("TILL_SYNC_TOKEN").is_ok_and(|t| !t.trim().is_empty());
            let mut token = String::new();
            if !(from_env && std::io::stdin().is_terminal()) {
                std::io::stdin().read_to_string(&mut token).map_err(|e| {
                    Error::invalid(
                        Field::Token,
                        format!("could not read the token from stdin: {e}"),
                    )
                })?;
            }
            let token = token.trim();
            if token.contains(char::is_whitespace) || (token.is_empty() && !from_env) {
                return Err(Error::invalid(
                    Field::Token,
                    "give the device token, alone, on standard input (or set TILL_SYNC_TOKEN)",
                ));
            }
            let stored = match (token.is_empty(), from_env) {
                (true, _) => "environment",
                (false, _) => match till_sync::token::store(&endpoint, token) {
                    Ok(()) => "keyring",
                    Err(SyncError::Keyring(_)) if from_env => "environment",
                    Err(e) => return Err(sync_err(e)),
                },
            };
            store.sync_login(&endpoint)?;
            ctx.out(
                &serde_json::json!({ "endpoint": endpoint, "stored": stored }),
                |_| match stored {
                    "keyring" => format!("token for {endpoint} stored in the OS keyring"),
                    _ => format!(
                        "endpoint {endpoint} saved; the token will come from TILL_SYNC_TOKEN (no OS keyring is used)"
                    ),
                },
            )
        }
        SyncCmd::Run {
            endpoint,
            once,
            deadline,
            timeout,
            max_backoff,
        } => {
            // The owner's (sending is reading every event): asked before
            // the endpoint is saved or a token looked up.
            store.require(till_core::roles::Permission::SyncLogin)?;
            let endpoint = match endpoint {
                Some(e) => {
                    let e = check_endpoint(&e)?;
                    store.set_sync_state(&[("endpoint", Some(&e))])?;
                    e
                }
                None => store
                    .sync_status()?
                    .endpoint
                    .ok_or_else(|| sync_err(SyncError::NoEndpoint))?,
            };
            let token = till_sync::token::load(&endpoint).map_err(sync_err)?;
            let mut opts = SyncOptions::new(endpoint, token);
            opts.timeout = seconds(Field::Timeout, &timeout, 15)?;
            opts.max_backoff = seconds(Field::MaxBackoff, &max_backoff, 60)?;
            let deadline = seconds(Field::Deadline, &deadline, 300)?;
            // A store login clears a refused token; a manual run is a new try.
            store.set_sync_state(&[("auth_failed", None)])?;
            let dead_before = store.sync_status()?.dead;
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::Internal(format!("cannot start the sync runtime: {e}")))?;
            let end = rt.block_on(async {
                let (tx, mut rx) = tokio::sync::watch::channel(false);
                tokio::spawn(async move {
                    let ctrl_c = tokio::signal::ctrl_c();
                    #[cfg(unix)]
                    {
                        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
                        tokio::select! {
                            _ = ctrl_c => {}
                            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {}
                        }
                    }
                    #[cfg(not(unix))]
                    let _ = ctrl_c.await;
                    let _ = tx.send(true);
                });
                if once {
                    till_sync::push_until_empty(store, &opts, Some(Instant::now() + deadline), &mut rx).await.map(Some)
                } else {
                    till_sync::run_forever(store, &opts, &mut rx).await.map(|_| None)
                }
            });
            let status = store.sync_status()?;
            match end.map_err(sync_err)? {
                Some(RunEnd::Empty) | None => {
                    ctx.out(&status, |s| {
                        format!("synced: {} pending, {} dead letters", s.pending, s.dead)
                    })?;
                    // Events the upstream refused were not delivered: the run
                    // did not do all it was asked to.
                    match status.dead - dead_before {
                        n if n > 0 => Err(Error::DeadLetters(n)),
                        _ => Ok(()),
                    }
                }
                Some(RunEnd::Refused(msg)) => Err(Error::Refused(msg)),
                Some(RunEnd::Stopped) => Err(Error::Unavailable(format!(
                    "interrupted with {} events still pending",
                    status.pending
                ))),
                Some(RunEnd::DeadlinePassed {
                    pending,
                    last_error,
                }) => Err(Error::Unavailable(format!(
                    "gave up after the deadline with {pending} events pending; last error: {}",
                    last_error.unwrap_or_else(|| "none".into())
                ))),
            }
        }
        SyncCmd::Status => {
            let s = store.sync_status()?;
            ctx.out(&s, |s| {
                format!(
                    "endpoint     {}\nconnected    {}\npending      {}\ndead letters {}\nlast success {}\nlast error   {}",
                    s.endpoint.as_deref().unwrap_or("(none)"),
                    if s.auth_failed { "no: token refused" } else if s.connected { "yes" } else { "no" },
                    s.pending,
                    s.dead,
                    ctx.human.time_or(s.last_success.as_deref(), "never"),
                    s.last_error.as_deref().unwrap_or("none")
                )
            })
        }
        SyncCmd::DeadLetters => {
            let list = store.dead_letters()?;
            ctx.out(&list, |l| {
                if l.is_empty() {
                    "no dead letters".into()
                } else {
                    l.iter()
                        .map(|d| format!("{}  #{} {}  {}", d.id, d.seq, d.kind, d.reason))
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            })
        }
        SyncCmd::Retry { id } => {
            store.retry_dead_letter(id.trim())?;
            ctx.out(&serde_json::json!({ "retried": id }), |_| {
                format!("{id} queued again")
            })
        }
        SyncCmd::Discard { id } => {
            store.discard_dead_letter(id.trim())?;
            ctx.out(&serde_json::json!({ "discarded": id }), |_| {
                format!("{id} discarded")
            })
        }
    }
}
