//! The email queue's timing, on a real store with its clock set: a send
//! that cannot connect keeps the job queued and waits 10 s, then 20 s,
//! doubling up to 10 minutes; the background sender (only what is due)
//! leaves a waiting job alone until then; a run asked for by a person
//! (`all`) tries it at once.

mod support;

use std::time::Duration;

use chrono::{DateTime, Utc};
use support::*;
use till_core::email::{EmailSendOptions, EmailState, SmtpSecurity, SmtpSettings};
use till_core::{Clock, Store};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// A loopback port nothing listens on: connections are refused.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn send(store: &mut Store, all: bool) -> till_core::email::SendReport {
    store
        .send_queued_emails(&EmailSendOptions {
            timeout: Duration::from_secs(5),
            password: None,
            all,
        })
        .unwrap()
}

#[test]
fn a_failed_send_waits_ten_seconds_doubling_to_ten_minutes() {
    let (_dir, mut store) = new_store();
    add(&mut store, "A", "2.50", "0", 10);
    let t0 = at("2026-12-01T10:00:00Z");
    store.set_clock(Clock::Fixed(t0));
    let order = store.sell(sale(&[("A", 1)], vec![cash("5")])).unwrap();
    store
        .set_smtp(SmtpSettings {
            host: "127.0.0.1".into(),
            port: closed_port(),
            security: SmtpSecurity::None,
            user: None,
            from: "shop@example.com".into(),
        })
        .unwrap();
    let job = store
        .email_receipt(&order.number, "ann@example.com")
        .unwrap();
    assert_eq!(job.reference, order.id, "queued by the order's id");
    assert_eq!(
        (job.state, job.attempts, job.next_attempt_at),
        (EmailState::Queued, 0, t0)
    );

    let mut now = t0;
    for (n, wait) in [
        (1, 10),
        (2, 20),
        (3, 40),
        (4, 80),
        (5, 160),
        (6, 320),
        (7, 600),
        (8, 600),
    ] {
        let report = send(&mut store, false);
        assert_eq!((report.sent, report.failed, report.queued), (0, 0, 1));
        assert!(report
            .last_error
            .unwrap()
            .to_lowercase()
            .contains("refused"));
        let job = &store.email_jobs(10).unwrap()[0];
        assert_eq!((job.state, job.attempts), (EmailState::Queued, n));
        assert_eq!(job.next_attempt_at, now + chrono::Duration::seconds(wait));
        // Not due yet: the background sender leaves it alone.
        store.set_clock(Clock::Fixed(
            job.next_attempt_at - chrono::Duration::seconds(1),
        ));
        let report = send(&mut store, false);
        assert_eq!(report.last_error, None);
        assert_eq!(store.email_jobs(10).unwrap()[0].attempts, n);
        now = job.next_attempt_at;
        store.set_clock(Clock::Fixed(now));
    }
    // A person asking to send tries it before it is due.
    store.set_clock(Clock::Fixed(now - chrono::Duration::seconds(300)));
    send(&mut store, true);
    assert_eq!(store.email_jobs(10).unwrap()[0].attempts, 9);
    // Retried: due at once.
    let retried = store.retry_email_job(job.id).unwrap();
    assert_eq!(retried.next_attempt_at, store.now());
    assert_eq!(count(&store, "email_jobs"), 1);
}
