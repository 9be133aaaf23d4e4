//! Receipts as PDF files and by email through the `till` binary: the PDF's
//! text read back with poppler's `pdftotext`; email delivered to a real
//! mail server on loopback (aiosmtpd, `tests/support/smtp_sink.py`),
//! queued while it is down and sent once it is up.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::cli_support::{pdftotext, shop, till_with, Shop};

fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// `$TILL_PYTHON`, else the tests' venv (scripts/install.sh --tests makes it).
fn python() -> PathBuf {
    std::env::var_os("TILL_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/pyvenv/bin/python"))
}

/// Spaces collapsed: a PDF places characters, a reader guesses the spaces.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A shop named "Café Zürich" with one sale of two lines; its order.
fn shop_with_sale() -> (Shop, Value) {
    let s = shop();
    s.run("settings set --name 'Café Zürich'");
    s.run("product add --sku CB --name 'Crème brûlée' --price 4.50 --stock 10");
    s.run("product add --sku ESP --name Espresso --price 2.50 --stock 10 --barcode 4006381333931");
    let order = s.run("sale --item CBx2 --item ESP --pay cash:20");
    (s, order)
}

/// `till ARGS --json` with these variables; its exit code and parsed output
/// (stdout on success, stderr's error otherwise).
fn till_json(s: &Shop, args: &[&str], env: &[(&str, &str)]) -> (i32, Value) {
    let mut a = args.to_vec();
    a.push("--json");
    let out = till_with(&s.db, &a, env, None);
    let code = out.status.code().unwrap();
    let text = if code == 0 { &out.stdout } else { &out.stderr };
    let first_json = String::from_utf8_lossy(text)
        .lines()
        .rev()
        .find(|l| l.starts_with('{') || l.starts_with('['))
        .map(str::to_string);
    let v = match (code, first_json) {
        (0, _) => serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout))),
        (_, Some(line)) => serde_json::from_str(&line).unwrap_or(Value::Null),
        (_, None) => Value::Null,
    };
    (code, v)
}

#[test]
fn a_receipt_pdf_on_a_roll_and_on_a4_reads_as_the_receipt() {
    let (s, order) = shop_with_sale();
    let number = order["number"].as_str().unwrap();
    let total = order["total"].as_str().unwrap();
    for paper in ["80mm", "a4"] {
        let file = s._dir.path().join(format!("receipt-{paper}.pdf"));
        let (code, v) = till_json(
            &s,
            &[
                "receipt",
                "pdf",
                number,
                "--out",
                file.to_str().unwrap(),
                "--paper",
                paper,
            ],
            &[],
        );
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["paper"], paper);
        let text = words(&pdftotext(&file));
        for expected in ["Café Zürich", "Crème brûlée", "Espresso", number] {
            assert!(text.contains(expected), "{paper}: {expected} in\n{text}");
        }
        assert!(
            text.contains(&format!("€{total}")),
            "{paper}: €{total} in\n{text}"
        );
    }
    // By the order's id too; the default paper is the roll.
    let file = s._dir.path().join("by-id.pdf");
    let (code, v) = till_json(
        &s,
        &[
            "receipt",
            "pdf",
            order["id"].as_str().unwrap(),
            "--out",
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!((code, v["paper"].as_str()), (0, Some("80mm")));
}

#[test]
fn bad_receipt_pdf_input_exits_2_and_writes_nothing() {
    let (s, order) = shop_with_sale();
    let number = order["number"].as_str().unwrap();
    let out = s._dir.path().join("r.pdf");
    let out = out.to_str().unwrap();
    let (code, e) = till_json(&s, &["receipt", "pdf", "NOPE-1", "--out", out], &[]);
    assert_eq!(
        (code, e["error"]["code"].as_str()),
        (2, Some("not_found")),
        "{e}"
    );
    let (code, e) = till_json(
        &s,
        &["receipt", "pdf", number, "--out", out, "--paper", "a5"],
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid --paper: "),
        "{e}"
    );
    assert!(!Path::new(out).exists());
    // A folder that does not exist: the path is named, nothing is left behind.
    let missing = s._dir.path().join("no-such-folder/r.pdf");
    let (code, e) = till_json(
        &s,
        &["receipt", "pdf", number, "--out", missing.to_str().unwrap()],
        &[],
    );
    assert_eq!(
        (code, e["error"]["code"].as_str()),
        (2, Some("file_unwritable")),
        "{e}"
    );
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains(missing.to_str().unwrap()),
        "{e}"
    );
    // A folder given as the file.
    let dir = s._dir.path().to_str().unwrap();
    let (code, e) = till_json(&s, &["receipt", "pdf", number, "--out", dir], &[]);
    assert_eq!(
        (code, e["error"]["code"].as_str()),
        (2, Some("file_unwritable")),
        "{e}"
    );
    // An existing file is replaced whole.
    std::fs::write(out, "old").unwrap();
    let (code, _) = till_json(&s, &["receipt", "pdf", number, "--out", out], &[]);
    assert_eq!(code, 0);
    assert!(std::fs::read(out).unwrap().starts_with(b"%PDF-"));
    let leftovers: Vec<_> = std::fs::read_dir(s._dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_label_sheet_pdf_has_each_products_name_price_and_code() {
    let (s, _) = shop_with_sale();
    let file = s._dir.path().join("labels.pdf");
    let (code, v) = till_json(
        &s,
        &[
            "label",
            "pdf",
            "CB",
            "ESP",
            "CB",
            "--out",
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["labels"], 3);
    let text = pdftotext(&file);
    for expected in [
        "Crème brûlée",
        "Espresso",
        "4.50",
        "2.50",
        "4006381333931",
        "CB",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    let (code, e) = till_json(
        &s,
        &[
            "label",
            "pdf",
            "CB",
            "NOPE",
            "--out",
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 2, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("NOPE"),
        "{e}"
    );
}

/// A mail server on 127.0.0.1:`port` keeping messages in `dir`; stopped
/// (its stdin closed, then killed) when dropped.
struct Sink {
    child: Child,
}

impl Sink {
    fn start(port: u16, dir: &Path, login: Option<(&str, &str)>) -> Sink {
        let py = python();
        assert!(
            py.exists(),
            "no Python with aiosmtpd at {}: run scripts/install.sh --tests",
            py.display()
        );
        let mut cmd = Command::new(py);
        cmd.arg(repo().join("tests/support/smtp_sink.py"))
            .arg(port.to_string())
            .arg(dir);
        if let Some((user, password)) = login {
            cmd.args([user, password]);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the mail server did not start");
        Sink { child }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nothing listens on (until a sink is started on it).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The messages the sink kept, in order of arrival.
fn delivered(dir: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    for n in 1.. {
        let file = dir.join(format!("{n}.json"));
        if !file.exists() {
            break;
        }
        out.push(serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap());
    }
    out
}

fn queue(s: &Shop) -> Vec<Value> {
    till_json(s, &["email", "queue"], &[])
        .1
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn an_emailed_receipt_waits_in_the_queue_while_the_server_is_down() {
    let (s, order) = shop_with_sale();
    let number = order["number"].as_str().unwrap();
    let port = free_port();
    let (code, v) = till_json(
        &s,
        &[
            "email",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--security",
            "none",
            "--from",
            "shop@example.com",
        ],
        &[],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["security"], "none");
    let (code, job) = till_json(
        &s,
        &["receipt", "email", number, "--to", "ann@example.com"],
        &[],
    );
    assert_eq!(code, 0, "{job}");
    assert_eq!(job["state"], "queued");

    // Nothing listens: the send fails, says why, exits 1, the job stays queued.
    let out = till_with(
        &s.db,
        &["receipt", "send-queued", "--timeout", "5"],
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("still queued") && err.to_lowercase().contains("refused"),
        "{err}"
    );
    let jobs = queue(&s);
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0]["state"], "queued");
    assert_eq!(jobs[0]["attempts"], 1);
    assert!(
        jobs[0]["last_error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("refused"),
        "{jobs:?}"
    );

    // The server comes up: the next run delivers it, with the PDF.
    let inbox = tempfile::tempdir().unwrap();
    let _sink = Sink::start(port, inbox.path(), None);
    let (code, report) = till_json(&s, &["receipt", "send-queued"], &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        (report["sent"].as_u64(), report["queued"].as_u64()),
        (Some(1), Some(0))
    );
    let mail = delivered(inbox.path());
    assert_eq!(mail.len(), 1);
    let m = &mail[0];
    assert_eq!(m["rcpt_tos"], serde_json::json!(["ann@example.com"]));
    assert_eq!(m["mail_from"], "shop@example.com");
    assert!(m["from"].as_str().unwrap().contains("Café Zürich"), "{m}");
    let subject = m["subject"].as_str().unwrap();
    assert!(
        subject.contains(number) && subject.contains("Café Zürich"),
        "{subject}"
    );
    assert!(m["body"].as_str().unwrap().contains(number), "{m}");
    let attachments = m["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 1, "{m}");
    assert_eq!(attachments[0]["content_type"], "application/pdf");
    let text = words(&pdftotext(Path::new(
        attachments[0]["path"].as_str().unwrap(),
    )));
    assert!(
        text.contains(number) && text.contains("Crème brûlée"),
        "{text}"
    );
    assert!(
        text.contains(&format!("€{}", order["total"].as_str().unwrap())),
        "{text}"
    );
    let jobs = queue(&s);
    assert_eq!(jobs[0]["state"], "sent");
    assert!(jobs[0]["sent_at"].is_string());

    // Sent once: another run sends nothing, and a sent job is not retried.
    let (code, report) = till_json(&s, &["receipt", "send-queued"], &[]);
    assert_eq!((code, report["sent"].as_u64()), (0, Some(0)));
    assert_eq!(delivered(inbox.path()).len(), 1);
    let id = jobs[0]["id"].to_string();
    let (code, e) = till_json(&s, &["email", "retry", &id], &[]);
    assert_eq!(code, 2, "{e}");
}

#[test]
fn starttls_asked_for_and_not_offered_sends_nothing() {
    let (s, order) = shop_with_sale();
    let port = free_port();
    let inbox = tempfile::tempdir().unwrap();
    let _sink = Sink::start(port, inbox.path(), None);
    till_json(
        &s,
        &[
            "email",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--security",
            "starttls",
            "--from",
            "shop@example.com",
        ],
        &[],
    );
    till_json(
        &s,
        &[
            "receipt",
            "email",
            order["number"].as_str().unwrap(),
            "--to",
            "ann@example.com",
        ],
        &[],
    );
    let out = till_with(&s.db, &["receipt", "send-queued"], &[], None);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(delivered(inbox.path()).is_empty(), "sent in plain text");
    let jobs = queue(&s);
    assert_eq!(jobs[0]["state"], "queued");
    assert!(
        jobs[0]["last_error"].as_str().unwrap().contains("STARTTLS"),
        "{jobs:?}"
    );
}

#[test]
fn the_password_comes_from_the_environment_and_is_never_stored() {
    let (s, order) = shop_with_sale();
    let port = free_port();
    let inbox = tempfile::tempdir().unwrap();
    let _sink = Sink::start(port, inbox.path(), Some(("shop", "s3cret pass")));
    till_json(
        &s,
        &[
            "email",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--security",
            "none",
            "--smtp-user",
            "shop",
            "--from",
            "shop@example.com",
        ],
        &[],
    );
    till_json(
        &s,
        &[
            "receipt",
            "email",
            order["id"].as_str().unwrap(),
            "--to",
            "bo@example.org",
        ],
        &[],
    );
    // No password anywhere (no keyring on this machine): refused before sending.
    let (code, e) = till_json(&s, &["receipt", "send-queued"], &[]);
    assert_eq!(code, 2, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no password for shop"),
        "{e}"
    );
    assert_eq!(queue(&s)[0]["attempts"], 0);
    let (code, report) = till_json(
        &s,
        &["receipt", "send-queued"],
        &[("TILL_SMTP_PASSWORD", "s3cret pass")],
    );
    assert_eq!((code, report["sent"].as_u64()), (0, Some(1)), "{report}");
    let mail = delivered(inbox.path());
    assert_eq!(mail[0]["login"], "shop");
    assert_eq!(mail[0]["rcpt_tos"], serde_json::json!(["bo@example.org"]));
    let store = std::fs::read(&s.db).unwrap();
    assert!(!store.windows(11).any(|w| w == b"s3cret pass"));
    let shown = till_json(&s, &["email", "show"], &[]).1;
    assert_eq!(shown["smtp"]["user"], "shop");
    assert!(!shown.to_string().contains("s3cret"));
}

#[test]
fn bad_email_input_exits_2_and_queues_nothing() {
    let (s, order) = shop_with_sale();
    let number = order["number"].as_str().unwrap();
    let bad = |args: &[&str], flag: &str| {
        let (code, e) = till_json(&s, args, &[]);
        assert_eq!(code, 2, "{args:?}: {e}");
        let m = e["error"]["message"].as_str().unwrap();
        assert!(m.starts_with(&format!("invalid {flag}: ")), "{args:?}: {m}");
    };
    bad(&["receipt", "email", number, "--to", "ann"], "--to");
    bad(
        &["receipt", "email", number, "--to", "ann@localhost"],
        "--to",
    );
    bad(
        &[
            "email",
            "set",
            "--host",
            "smtp example",
            "--from",
            "a@example.com",
        ],
        "--host",
    );
    bad(
        &[
            "email",
            "set",
            "--host",
            "smtp.example.com",
            "--port",
            "0",
            "--from",
            "a@example.com",
        ],
        "--port",
    );
    bad(
        &[
            "email",
            "set",
            "--host",
            "smtp.example.com",
            "--security",
            "ssl3",
            "--from",
            "a@example.com",
        ],
        "--security",
    );
    bad(
        &[
            "email",
            "set",
            "--host",
            "smtp.example.com",
            "--from",
            "shop",
        ],
        "--from",
    );
    bad(&["receipt", "send-queued", "--timeout", "0"], "--timeout");
    bad(&["email", "retry", "x"], "ID");
    let (code, e) = till_json(
        &s,
        &["receipt", "email", "NOPE-9", "--to", "ann@example.com"],
        &[],
    );
    assert_eq!((code, e["error"]["code"].as_str()), (2, Some("not_found")));
    assert!(queue(&s).is_empty());
    assert_eq!(
        till_json(&s, &["email", "show"], &[]).1["smtp"],
        Value::Null
    );
    // Sending with no mail server set up says so.
    let (code, e) = till_json(&s, &["receipt", "send-queued"], &[]);
    assert_eq!(code, 2);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no mail server"),
        "{e}"
    );
    // The default port follows the security.
    let v = till_json(
        &s,
        &[
            "email",
            "set",
            "--host",
            "smtp.example.com",
            "--security",
            "tls",
            "--from",
            "a@example.com",
        ],
        &[],
    )
    .1;
    assert_eq!(v["port"], 465);
}

#[test]
fn a_password_the_keyring_cannot_keep_leaves_the_settings_as_they_were() {
    let s = shop();
    let set = [
        "email",
        "set",
        "--host",
        "smtp.example.com",
        "--smtp-user",
        "shop",
        "--from",
        "shop@example.com",
        "--password-stdin",
        "--json",
    ];
    let out = till_with(&s.db, &set, &[], Some("s3cret\n"));
    let shown = || till_json(&s, &["email", "show"], &[]).1;
    match out.status.code() {
        // A machine with an OS keyring kept it.
        Some(0) => assert_eq!(shown()["smtp"]["host"], "smtp.example.com"),
        // Without one (a headless till): refused, and nothing saved.
        code => {
            assert_eq!(code, Some(1), "{out:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("cannot keep the password"), "{err}");
            assert_eq!(shown()["smtp"], Value::Null);
            // With the password in the environment, the settings are saved
            // and the password is left to it.
            let out = till_with(
                &s.db,
                &set,
                &[("TILL_SMTP_PASSWORD", "s3cret")],
                Some("s3cret\n"),
            );
            assert_eq!(out.status.code(), Some(0), "{out:?}");
            assert_eq!(shown()["smtp"]["user"], "shop");
        }
    }
    // No password on stdin: refused before anything is saved.
    let s = shop();
    let out = till_with(&s.db, &set, &[], None);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        till_json(&s, &["email", "show"], &[]).1["smtp"],
        Value::Null
    );
}

#[test]
fn an_address_the_server_refuses_fails_until_retried() {
    let (s, order) = shop_with_sale();
    let number = order["number"].as_str().unwrap();
    let port = free_port();
    let inbox = tempfile::tempdir().unwrap();
    let _sink = Sink::start(port, inbox.path(), None);
    till_json(
        &s,
        &[
            "email",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--security",
            "none",
            "--from",
            "shop@example.com",
        ],
        &[],
    );
    till_json(
        &s,
        &["receipt", "email", number, "--to", "reject@example.com"],
        &[],
    );
    till_json(
        &s,
        &["receipt", "email", number, "--to", "ann@example.com"],
        &[],
    );
    // The refusal is the first job's alone: the second is delivered.
    let out = till_with(&s.db, &["receipt", "send-queued", "--json"], &[], None);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["sent"].as_u64(), report["failed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(delivered(inbox.path()).len(), 1);
    let jobs = queue(&s);
    let refused = jobs
        .iter()
        .find(|j| j["recipient"] == "reject@example.com")
        .unwrap();
    assert_eq!(refused["state"], "failed");
    assert!(
        refused["last_error"]
            .as_str()
            .unwrap()
            .contains("no such user"),
        "{refused}"
    );
    // A failed job waits for a person: another run leaves it alone.
    let (code, report) = till_json(&s, &["receipt", "send-queued"], &[]);
    assert_eq!((code, report["failed"].as_u64()), (0, Some(0)));
    let (code, retried) = till_json(&s, &["email", "retry", &refused["id"].to_string()], &[]);
    assert_eq!(
        (code, retried["state"].as_str()),
        (0, Some("queued")),
        "{retried}"
    );
}

#[test]
fn a_sale_with_an_emailed_receipt_queues_it_in_the_sale() {
    let (s, _) = shop_with_sale();
    let port = free_port();
    let inbox = tempfile::tempdir().unwrap();
    let _sink = Sink::start(port, inbox.path(), None);
    till_json(
        &s,
        &[
            "email",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--security",
            "none",
            "--from",
            "shop@example.com",
        ],
        &[],
    );
    let (code, order) = till_json(
        &s,
        &[
            "sale",
            "--item",
            "ESP",
            "--pay",
            "cash:5",
            "--receipt",
            "email:cy@example.com",
        ],
        &[],
    );
    assert_eq!(code, 0, "{order}");
    let jobs = queue(&s);
    assert_eq!(
        (jobs.len(), jobs[0]["reference"].as_str()),
        (1, order["id"].as_str())
    );
    let (code, report) = till_json(&s, &["receipt", "send-queued"], &[]);
    assert_eq!((code, report["sent"].as_u64()), (0, Some(1)), "{report}");
    let mail = delivered(inbox.path());
    assert_eq!(mail[0]["rcpt_tos"], serde_json::json!(["cy@example.com"]));
    assert!(mail[0]["subject"]
        .as_str()
        .unwrap()
        .contains(order["number"].as_str().unwrap()));
}
