//! Destinations: parsing, and sending to a real file, a file standing in for a
//! device, and a real TCP listener on loopback.

use std::io::Read;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;
use till_print::{send, Destination, DestinationError, SendError};

#[test]
fn destinations_parse() {
    assert_eq!(
        Destination::parse("file:/tmp/r.bin"),
        Ok(Destination::File(PathBuf::from("/tmp/r.bin")))
    );
    assert_eq!(
        Destination::parse("device:/dev/usb/lp0"),
        Ok(Destination::Device(PathBuf::from("/dev/usb/lp0")))
    );
    assert_eq!(
        Destination::parse("tcp:192.168.1.50:9100"),
        Ok(Destination::Tcp {
            host: "192.168.1.50".into(),
            port: 9100
        })
    );
    assert_eq!(
        Destination::parse("tcp:[::1]:9100"),
        Ok(Destination::Tcp {
            host: "::1".into(),
            port: 9100
        })
    );
    for text in [
        "file:/tmp/r.bin",
        "device:/dev/usb/lp0",
        "tcp:printer.local:9100",
        "tcp:[::1]:9100",
    ] {
        assert_eq!(Destination::parse(text).unwrap().to_string(), text);
    }
}

#[test]
fn bad_destinations_say_what_was_wrong() {
    let cases: [(&str, DestinationError, &str); 7] = [
        (
            "/dev/usb/lp0",
            DestinationError::NoKind { given: "/dev/usb/lp0".into() },
            "printer destination \"/dev/usb/lp0\" has no kind: write file:PATH, tcp:HOST:PORT or device:PATH",
        ),
        (
            "usb:/dev/usb/lp0",
            DestinationError::UnknownKind { kind: "usb".into() },
            "printer destination kind \"usb\" is unknown: use file:, tcp: or device:",
        ),
        ("file:", DestinationError::EmptyPath { kind: "file" }, "printer destination file: has no path"),
        ("device:", DestinationError::EmptyPath { kind: "device" }, "printer destination device: has no path"),
        (
            "tcp:printer",
            DestinationError::NoPort { rest: "printer".into() },
            "printer destination tcp:printer has no port: write tcp:HOST:PORT, e.g. tcp:192.168.1.50:9100",
        ),
        ("tcp::9100", DestinationError::EmptyHost { rest: ":9100".into() }, "printer destination tcp::9100 has no host"),
        (
            "tcp:printer:99999",
            DestinationError::BadPort { port: "99999".into() },
            "printer port \"99999\" is not a number from 1 to 65535",
        ),
    ];
    for (text, err, message) in cases {
        assert_eq!(Destination::parse(text), Err(err.clone()), "{text}");
        assert_eq!(err.to_string(), message);
    }
    assert!(matches!(
        Destination::parse("tcp:printer:0"),
        Err(DestinationError::BadPort { .. })
    ));
    assert!(matches!(
        Destination::parse("tcp:printer:x"),
        Err(DestinationError::BadPort { .. })
    ));
}

const SECOND: Duration = Duration::from_secs(1);

#[test]
fn a_file_gets_the_bytes_and_is_replaced_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipt.bin");
    let dest = Destination::File(path.clone());
    send(&dest, b"first receipt, longer", SECOND).unwrap();
    send(&dest, b"\x1b@second\xd5", SECOND).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"\x1b@second\xd5");
}

#[test]
fn an_unwritable_file_is_an_open_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-folder").join("receipt.bin");
    let err = send(&Destination::File(path.clone()), b"x", SECOND).unwrap_err();
    assert!(
        matches!(&err, SendError::Open { path: p, .. } if *p == path),
        "{err:?}"
    );
    assert!(err.to_string().contains("no-such-folder"));
}

#[test]
fn a_device_is_written_and_never_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lp0");
    let err = send(&Destination::Device(path.clone()), b"x", SECOND).unwrap_err();
    assert!(matches!(err, SendError::Open { .. }), "{err:?}");
    assert!(!path.exists());

    std::fs::write(&path, b"").unwrap();
    send(&Destination::Device(path.clone()), b"\x1b@hello", SECOND).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"\x1b@hello");
}

#[test]
fn a_tcp_printer_gets_the_bytes_intact() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let printer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        conn.read_to_end(&mut got).unwrap();
        got
    });
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let dest = Destination::parse(&format!("tcp:127.0.0.1:{port}")).unwrap();
    send(&dest, &payload, Duration::from_secs(10)).unwrap();
    assert_eq!(printer.join().unwrap(), payload);
}

#[test]
fn a_printer_that_accepts_and_never_reads_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (hold_tx, hold_rx) = mpsc::channel();
    let printer = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        // Keep the connection open and unread until the test is done.
        hold_rx.recv().ok();
        drop(conn);
    });
    // Far more than loopback's socket buffers hold, so the writes must stall.
    let payload = vec![b'x'; 64 * 1024 * 1024];
    let dest = Destination::Tcp {
        host: "127.0.0.1".into(),
        port,
    };
    // Run on a thread, so a send that blocks fails this test instead of hanging it.
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || {
        done_tx
            .send(send(&dest, &payload, Duration::from_millis(500)))
            .ok()
    });
    let err = done_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("send returns instead of blocking")
        .unwrap_err();
    assert!(matches!(err, SendError::TimedOut { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&format!("tcp:127.0.0.1:{port}")),
        "{err}"
    );
    hold_tx.send(()).unwrap();
    printer.join().unwrap();
}

#[test]
fn a_closed_port_is_a_connect_error() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let dest = Destination::Tcp {
        host: "127.0.0.1".into(),
        port,
    };
    let err = send(&dest, b"x", SECOND).unwrap_err();
    assert!(matches!(err, SendError::Connect { .. }), "{err:?}");
}

#[test]
fn a_device_that_never_takes_the_bytes_times_out() {
    // A FIFO with no reader blocks its writer in open(), as a USB printer that
    // is off or out of paper blocks in the kernel.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lp0");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    let dest = Destination::Device(path.clone());
    let err = send(&dest, b"\x1b@", Duration::from_millis(300)).unwrap_err();
    assert!(matches!(err, SendError::TimedOut { .. }), "{err:?}");
    // Now a reader comes: the writer left behind finishes and the bytes arrive.
    let mut got = Vec::new();
    std::fs::File::open(&path)
        .unwrap()
        .read_to_end(&mut got)
        .unwrap();
    assert_eq!(got, b"\x1b@");
}
