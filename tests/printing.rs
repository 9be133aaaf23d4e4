//! Printing receipts to a real TCP listener on loopback: the sale's receipt
//! is queued in the sale's transaction and sent after it; the bytes are read
//! back with the ESC/POS decoder; a printer that accepts and never reads
//! does not hold the sale, and its job is delivered by a later retry.

#[path = "support/mod.rs"]
mod support;

#[path = "print/decode.rs"]
#[allow(dead_code)]
mod decode;

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use decode::{decode, printed_lines, Decoded};
use support::*;
use till_core::checkout::ReceiptChoice;
use till_core::print_queue::{JobKind, JobState};
use till_core::settings::{Codepage, SettingsUpdate};
use till_core::Store;

const TIMEOUT: Duration = Duration::from_secs(2);

/// A printer on loopback that reads one connection to its end.
struct Printer {
    listener: TcpListener,
}

impl Printer {
    fn new() -> Printer {
        Printer {
            listener: TcpListener::bind("127.0.0.1:0").unwrap(),
        }
    }

    fn dest(&self) -> String {
        format!("tcp:{}", self.listener.local_addr().unwrap())
    }

    /// The bytes of the next connection, read to its end.
    fn read_one(&self) -> Vec<u8> {
        let (mut conn, _) = self.listener.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut bytes = Vec::new();
        conn.read_to_end(&mut bytes).unwrap();
        bytes
    }
}

fn shop(dest: &str, drawer: bool) -> (tempfile::TempDir, Store) {
    let (d, mut s) = new_store();
    add(&mut s, "COF", "3.40", "10", 100);
    s.update_settings(SettingsUpdate {
        printer_to: Some(Some(dest.to_string())),
        printer_codepage: Some(Codepage::Cp858),
        drawer_kick: Some(drawer),
        ..Default::default()
    })
    .unwrap();
    (d, s)
}

fn kicks(decoded: &[Decoded]) -> usize {
    decoded
        .iter()
        .filter(|d| matches!(d, Decoded::DrawerKick { .. }))
        .count()
}

#[test]
fn a_cash_sale_prints_its_receipt_and_opens_the_drawer() {
    let printer = Printer::new();
    let (_d, mut s) = shop(&printer.dest(), true);
    let r = s
        .sell_with(
            sale(&[("COF", 2)], vec![cash("10.00")]),
            ReceiptChoice::Print,
        )
        .unwrap();
    // Queued in the sale's transaction, not sent yet.
    let jobs = s.print_jobs(10).unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].state, JobState::Queued);
    assert_eq!(jobs[0].kind, JobKind::Receipt);
    assert_eq!(jobs[0].order_ref.as_deref(), Some(r.number.as_str()));
    let reader = std::thread::spawn(move || printer.read_one());
    let report = s.send_print_jobs(TIMEOUT).unwrap();
    assert_eq!(report.sent, vec![jobs[0].id], "{report:?}");
    let bytes = reader.join().unwrap();
    let decoded = decode(&bytes);
    assert_eq!(decoded[0], Decoded::Init);
    assert_eq!(decoded[1], Decoded::CodePage(19), "ESC t 19 is PC858");
    assert!(decoded.iter().any(|d| matches!(d, Decoded::Cut { .. })));
    assert_eq!(kicks(&decoded), 1, "{decoded:?}");
    let cut = decoded
        .iter()
        .position(|d| matches!(d, Decoded::Cut { .. }))
        .unwrap();
    let kick = decoded
        .iter()
        .position(|d| matches!(d, Decoded::DrawerKick { .. }))
        .unwrap();
    assert!(kick > cut, "the drawer opens after the receipt is cut");
    let lines = printed_lines(&decoded).join("\n");
    assert!(lines.contains(&r.number), "{lines}");
    // The store's currency is the euro: its sign is byte 0xD5 in PC858.
    assert!(lines.contains("€6.80"), "{lines}");
    assert!(
        bytes.windows(5).any(|w| w == b"\xd56.80"),
        "the euro's byte"
    );
    let job = &s.print_jobs(10).unwrap()[0];
    assert_eq!(job.state, JobState::Sent);
    assert_eq!(job.attempts, 1);
    assert!(job.sent_at.is_some());
}

#[test]
fn a_card_sale_prints_without_opening_the_drawer() {
    let printer = Printer::new();
    let (_d, mut s) = shop(&printer.dest(), true);
    s.sell_with(
        sale(&[("COF", 1)], vec![card("3.74")]),
        ReceiptChoice::Print,
    )
    .unwrap();
    let reader = std::thread::spawn(move || printer.read_one());
    assert_eq!(s.send_print_jobs(TIMEOUT).unwrap().sent.len(), 1);
    let decoded = decode(&reader.join().unwrap());
    assert_eq!(kicks(&decoded), 0, "{decoded:?}");
    assert!(decoded.iter().any(|d| matches!(d, Decoded::Cut { .. })));
}

#[test]
fn no_receipt_with_the_drawer_on_still_opens_it_for_cash() {
    let printer = Printer::new();
    let (_d, mut s) = shop(&printer.dest(), true);
    s.sell_with(sale(&[("COF", 1)], vec![cash("5.00")]), ReceiptChoice::None)
        .unwrap();
    let jobs = s.print_jobs(10).unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].kind, JobKind::Drawer);
    let reader = std::thread::spawn(move || printer.read_one());
    s.send_print_jobs(TIMEOUT).unwrap();
    let decoded = decode(&reader.join().unwrap());
    assert_eq!(kicks(&decoded), 1);
    assert!(!decoded.iter().any(|d| matches!(d, Decoded::Cut { .. })));
}

#[test]
fn auto_prints_only_when_the_setting_is_on_and_a_repeat_prints_nothing_again() {
    let printer = Printer::new();
    let (_d, mut s) = shop(&printer.dest(), false);
    let mut req = sale(&[("COF", 1)], vec![card("3.74")]);
    req.key = Some("k1".into());
    s.sell(req.clone()).unwrap();
    assert!(s.print_jobs(10).unwrap().is_empty(), "auto_print is off");
    s.update_settings(SettingsUpdate {
        auto_print: Some(true),
        ..Default::default()
    })
    .unwrap();
    s.sell(sale(&[("COF", 1)], vec![card("3.74")])).unwrap();
    assert_eq!(s.print_jobs(10).unwrap().len(), 1);
    // The same request again returns the first receipt and queues nothing.
    s.sell_with(req, ReceiptChoice::Print).unwrap();
    assert_eq!(s.print_jobs(10).unwrap().len(), 1);
}

#[test]
fn print_without_a_printer_or_email_to_no_address_is_refused_before_the_sale() {
    let (_d, mut s) = new_store();
    add(&mut s, "COF", "3.40", "10", 100);
    for choice in [
        ReceiptChoice::Print,
        ReceiptChoice::Email { to: "ana".into() },
    ] {
        let e = s
            .sell_with(sale(&[("COF", 1)], vec![cash("5.00")]), choice)
            .unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{e}");
    }
    assert_eq!(count(&s, "orders"), 0);
    assert_eq!(count(&s, "print_jobs"), 0);
    // An emailed receipt is queued with the sale, and nothing prints.
    let order = s
        .sell_with(
            sale(&[("COF", 1)], vec![cash("5.00")]),
            ReceiptChoice::Email {
                to: "ana@example.com".into(),
            },
        )
        .unwrap();
    let jobs = s.email_jobs(10).unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        (jobs[0].reference.as_str(), jobs[0].recipient.as_str()),
        (order.id.as_str(), "ana@example.com")
    );
    assert_eq!(count(&s, "print_jobs"), 0);
}

/// A listener whose queue of connections waiting to be accepted is full:
/// the kernel drops further connection attempts, as a printer that has
/// stopped taking work does. Returns it with the connections that fill it.
fn full_listener() -> (TcpListener, Vec<TcpStream>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..10_000 {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
            Ok(c) => fillers.push(c),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return (listener, fillers),
            Err(e) => panic!("{e}"),
        }
    }
    panic!("the listener's queue never filled");
}

#[test]
fn a_printer_that_does_not_answer_does_not_hold_the_sale() {
    let (listener, fillers) = full_listener();
    let dest = format!("tcp:{}", listener.local_addr().unwrap());
    let (_d, mut s) = shop(&dest, true);
    let r = s
        .sell_with(
            sale(&[("COF", 1)], vec![cash("5.00")]),
            ReceiptChoice::Print,
        )
        .unwrap();
    assert_eq!(count(&s, "orders"), 1, "the sale is complete");
    let report = s.send_print_jobs(Duration::from_millis(500)).unwrap();
    assert!(report.sent.is_empty());
    assert_eq!(report.failed.len(), 1);
    assert!(report.failed[0].queued);
    let job = s.print_jobs(10).unwrap().remove(0);
    assert_eq!(job.state, JobState::Queued);
    assert_eq!(job.attempts, 1);
    assert!(
        job.last_error
            .as_deref()
            .unwrap()
            .contains("did not answer"),
        "{job:?}"
    );
    assert!(
        job.next_attempt_at > s.now(),
        "it waits before the next try"
    );
    // Not due yet: a send now leaves it alone.
    let report = s.send_print_jobs(TIMEOUT).unwrap();
    assert!(report.sent.is_empty() && report.failed.is_empty());
    // The printer takes work again: a retry delivers the receipt.
    drop(fillers);
    let reader = std::thread::spawn(move || loop {
        let (mut conn, _) = listener.accept().unwrap();
        let mut bytes = Vec::new();
        conn.read_to_end(&mut bytes).unwrap();
        if !bytes.is_empty() {
            return bytes;
        }
    });
    let report = s.retry_print_jobs(None, Duration::from_secs(30)).unwrap();
    assert_eq!(report.sent, vec![job.id], "{report:?}");
    let decoded = decode(&reader.join().unwrap());
    assert!(printed_lines(&decoded).join("\n").contains(&r.number));
    assert_eq!(kicks(&decoded), 1);
    let job = s.print_jobs(10).unwrap().remove(0);
    assert_eq!(job.state, JobState::Sent);
    assert_eq!(job.attempts, 2);
    assert_eq!(job.last_error, None);
}

#[test]
fn a_printer_that_accepts_and_never_reads_does_not_hold_the_sale() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let dest = format!("tcp:{}", listener.local_addr().unwrap());
    let (hold_tx, hold_rx) = std::sync::mpsc::channel::<()>();
    let printer = std::thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        hold_rx.recv().ok();
        drop(conn);
    });
    let (_d, mut s) = shop(&dest, false);
    s.sell_with(
        sale(&[("COF", 1)], vec![cash("5.00")]),
        ReceiptChoice::Print,
    )
    .unwrap();
    // Whatever the printer does, the send comes back (within its timeout)
    // and the sale stands.
    s.send_print_jobs(Duration::from_millis(500)).unwrap();
    assert_eq!(count(&s, "orders"), 1);
    assert_eq!(s.print_jobs(10).unwrap().len(), 1);
    hold_tx.send(()).unwrap();
    printer.join().unwrap();
}

#[test]
fn the_test_page_prints_the_euro_sign_in_cp858_and_a_question_mark_in_cp437() {
    for (page, euro, number) in [(Codepage::Cp858, 0xD5u8, 19u8), (Codepage::Cp437, b'?', 0)] {
        let printer = Printer::new();
        let (_d, mut s) = shop(&printer.dest(), false);
        s.update_settings(SettingsUpdate {
            printer_codepage: Some(page),
            ..Default::default()
        })
        .unwrap();
        let reader = std::thread::spawn(move || printer.read_one());
        let job = s.print_test(None, TIMEOUT).unwrap();
        assert_eq!(job.kind, JobKind::Test);
        assert_eq!(job.state, JobState::Sent);
        let bytes = reader.join().unwrap();
        let decoded = decode(&bytes);
        assert_eq!(decoded[..2], [Decoded::Init, Decoded::CodePage(number)]);
        let line = bytes
            .split(|&b| b == b'\n')
            .find(|l| l.starts_with(b"Euro sign"))
            .unwrap();
        assert!(line.contains(&euro), "{page:?}: {line:?}");
        assert!(decoded.iter().any(|d| matches!(d, Decoded::Cut { .. })));
    }
}

#[test]
fn backoff_doubles_from_ten_seconds_to_ten_minutes() {
    use till_core::print_queue::backoff;
    let secs: Vec<u64> = (1..=9).map(|n| backoff(n).as_secs()).collect();
    assert_eq!(secs, [10, 20, 40, 80, 160, 320, 600, 600, 600]);
}

#[test]
fn an_unreachable_printer_leaves_the_reprint_queued_and_says_so() {
    // A port nobody listens on: bound, then closed.
    let dest = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("tcp:{}", l.local_addr().unwrap())
    };
    let (_d, mut s) = shop(&dest, false);
    let r = s
        .sell_with(sale(&[("COF", 1)], vec![cash("5.00")]), ReceiptChoice::None)
        .unwrap();
    let e = s
        .print_receipt(&r.number, None, &Default::default(), TIMEOUT)
        .unwrap_err();
    assert_eq!(e.code(), "unavailable", "{e}");
    assert!(e.to_string().contains("queued"), "{e}");
    let job = &s.print_jobs(10).unwrap()[0];
    assert_eq!(job.state, JobState::Queued);
    // An unknown order is bad input and queues nothing.
    let e = s
        .print_receipt("NOPE-1", None, &Default::default(), TIMEOUT)
        .unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(s.print_jobs(10).unwrap().len(), 1);
}

#[test]
fn a_cart_completed_with_print_queues_its_receipt_once() {
    let printer = Printer::new();
    let (_d, mut s) = shop(&printer.dest(), true);
    let c = s.new_cart().unwrap();
    s.cart_add(&c.id, "COF", 2).unwrap();
    let r = s
        .cart_complete_with(&c.id, &[cash("10.00")], ReceiptChoice::Print)
        .unwrap();
    // Completing the same cart again (a double click) prints nothing more.
    s.cart_complete_with(&c.id, &[cash("10.00")], ReceiptChoice::Print)
        .unwrap();
    let jobs = s.print_jobs(10).unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].order_ref.as_deref(), Some(r.number.as_str()));
    let reader = std::thread::spawn(move || printer.read_one());
    assert_eq!(s.send_print_jobs(TIMEOUT).unwrap().sent, vec![jobs[0].id]);
    let decoded = decode(&reader.join().unwrap());
    assert!(printed_lines(&decoded).join("\n").contains(&r.number));
    assert_eq!(kicks(&decoded), 1);
}

#[test]
fn sent_jobs_are_kept_a_week() {
    use till_core::Clock;
    let file = tempfile::tempdir().unwrap();
    let dest = format!("file:{}", file.path().join("p.bin").display());
    let (_d, mut s) = shop(&dest, false);
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z")
        .unwrap()
        .to_utc();
    s.set_clock(Clock::Fixed(t0));
    s.print_test(None, TIMEOUT).unwrap();
    s.set_clock(Clock::Fixed(t0 + chrono::Duration::days(6)));
    s.print_test(None, TIMEOUT).unwrap();
    assert_eq!(s.print_jobs(10).unwrap().len(), 2);
    s.set_clock(Clock::Fixed(t0 + chrono::Duration::days(8)));
    let last = s.print_test(None, TIMEOUT).unwrap();
    let ids: Vec<i64> = s.print_jobs(10).unwrap().iter().map(|j| j.id).collect();
    assert_eq!(ids.len(), 2, "the first, sent 8 days ago, is gone");
    assert_eq!(ids[0], last.id);
}
