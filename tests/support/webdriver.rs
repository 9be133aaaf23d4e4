//! The one tauri-driver of a real-window test run (tests/e2e.rs,
//! tests/package.rs), and the processes that must not outlive the run.
#![allow(dead_code)]

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Once, OnceLock};
use std::time::{Duration, Instant};

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running tauri-driver, with the WebKitWebDriver it starts. Each test
/// opens a session of its own on it: one server for every test is quicker
/// than one each, and a server that has only just started is the one that
/// sometimes dropped the first request.
pub struct Driver {
    pub port: u16,
    /// Kept, not waited for: the kill at exit ends it (statics are never
    /// dropped).
    _child: Child,
}

/// Starts tauri-driver (`$TAURI_DRIVER` or the one on PATH) with the
/// environment `configure` gives it, which every app it starts inherits,
/// and waits until it and its WebKitWebDriver answer. Its process group is
/// killed when the run ends.
pub fn start_driver(configure: impl FnOnce(&mut Command)) -> Driver {
    let port = free_port();
    let native = free_port();
    let mut cmd =
        Command::new(std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()));
    cmd.args([
        "--port",
        &port.to_string(),
        "--native-port",
        &native.to_string(),
    ])
    // Each session names its store (`--db`); none is inherited.
    .env_remove("TILL_DB")
    .stdout(Stdio::null())
    .stderr(Stdio::inherit());
    configure(&mut cmd);
    let child = spawn_killed_at_exit(&mut cmd)
        .expect("tauri-driver not found: cargo install tauri-driver --locked");
    // tauri-driver listens at once but forwards to WebKitWebDriver, which
    // takes a moment longer: wait for both.
    let deadline = Instant::now() + Duration::from_secs(20);
    for p in [port, native] {
        while std::net::TcpStream::connect(("127.0.0.1", p)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    Driver {
        port,
        _child: child,
    }
}

/// The process groups to kill when the run ends (0: a free slot).
static GROUPS: [AtomicI32; 4] = [const { AtomicI32::new(0) }; 4];
/// A folder of the run's own, removed when it ends.
static REMOVE: OnceLock<PathBuf> = OnceLock::new();
static HOOKS: Once = Once::new();

/// Spawns `cmd` in a process group of its own, which is killed when the
/// test binary exits or is interrupted: one kill ends tauri-driver, the
/// WebKitWebDriver it starts and any app still open; one left behind would
/// hold the test's output open.
pub fn spawn_killed_at_exit(cmd: &mut Command) -> std::io::Result<Child> {
    let child = cmd.process_group(0).spawn()?;
    let group = i32::try_from(child.id()).expect("a process id fits an i32");
    let slot = GROUPS
        .iter()
        .find(|s| {
            s.compare_exchange(0, group, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        })
        .is_some();
    assert!(slot, "more processes to kill at exit than slots");
    HOOKS.call_once(kill_at_exit);
    Ok(child)
}

/// Removes `dir` when the run ends (after the kills); one per run.
pub fn remove_at_exit(dir: PathBuf) {
    let _ = REMOVE.set(dir);
    HOOKS.call_once(kill_at_exit);
}

fn kill_all() {
    for group in &GROUPS {
        let group = group.swap(0, Ordering::SeqCst);
        if group > 0 {
            // SAFETY: sends a signal; no memory is touched.
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
        }
    }
}

/// Kills the groups when the run ends: when the test binary exits (after
/// the last test, passed or failed: a failing test's panic is caught by the
/// harness) and when it is interrupted or terminated (Ctrl-C, a timeout).
/// Statics are never dropped, hence the `atexit`.
fn kill_at_exit() {
    extern "C" fn at_exit() {
        kill_all();
        if let Some(dir) = REMOVE.get() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    extern "C" fn on_signal(signal: libc::c_int) {
        kill_all();
        // Then end as the signal would have (kill and signal are
        // async-signal-safe).
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }
    // SAFETY: plain C callbacks that only read atomics and send signals.
    unsafe {
        libc::atexit(at_exit);
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::signal(
                signal,
                on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t,
            );
        }
    }
}
