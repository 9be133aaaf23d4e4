//! The `.deb` as a shop gets it, and signed updates, on this machine: the
//! package installed with apt-get, the installed app started under Xvfb in a
//! real window (driven through `tauri-driver` and WebKitWebDriver, as
//! `e2e.rs` does), removed again; and an update from version N to N+1
//! served from a local HTTP server, with its three refusals.
//!
//! Needs root (apt-get, dpkg: the updater installs through `sudo dpkg -i`
//! when no graphical prompt is there), a display (`xvfb-run`), `tauri-driver`,
//! the npm packages (the Tauri CLI) and a debug build of the app with the
//! embedded UI: `scripts/test.sh` runs it after the window tests; a plain
//! `cargo test` skips it. The packages are debug builds (`scripts/package.sh
//! --debug`, which reuses the test build and rebuilds only the app crate for
//! a changed config); the release package's size is checked by
//! `scripts/package.sh` itself.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use rust_decimal::Decimal;
use till_core::catalog::NewProduct;
use till_core::settings::{Settings, SettingsUpdate};
use till_core::Store;

#[path = "support/webdriver.rs"]
mod webdriver_support;
use webdriver_support::{free_port, remove_at_exit, start_driver, Driver};

/// The installed app, where the package puts it.
const APP: &str = "/usr/bin/till-desktop";
const MENU_ENTRY: &str = "/usr/share/applications/Till.desktop";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// True when the test can run; otherwise says why it is skipped.
fn runs_as_root(test: &str) -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        eprintln!("SKIPPED {test}: needs root (apt-get and dpkg install the package)");
    }
    root
}

/// Tests here install and remove one system package: one at a time.
async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    LOCK.lock().await
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?} did not run: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn apt_get(args: &[&str]) {
    run(Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive"));
}

/// The installed version of the `till` package, if installed.
fn installed_version() -> Option<String> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f", "${Status} ${Version}", "till"])
        .output()
        .expect("dpkg-query runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.strip_prefix("install ok installed ")
        .map(|v| v.trim().to_string())
}

/// Installs `deb` (apt-get, as a shop would), whatever version is installed.
fn install(deb: &Path) {
    apt_get(&[
        "install",
        "-y",
        "--allow-downgrades",
        &deb.display().to_string(),
    ]);
}

// ---- The packages: versions N and N+1, signed with a key made here ----

struct Releases {
    dir: tempfile::TempDir,
    n: String,
    next: String,
    /// Version N's package (the one the package test installs too).
    deb_n: PathBuf,
    /// Version N+1's package and its signature by the test key.
    deb_next: PathBuf,
    sig_next: String,
    /// N+1's package signed with another key.
    sig_other: String,
}

static RELEASES: OnceLock<Releases> = OnceLock::new();

fn releases() -> &'static Releases {
    RELEASES.get_or_init(Releases::build)
}

fn npx_tauri(args: &[&str]) -> Command {
    let mut c = Command::new("npx");
    c.current_dir(root())
        .arg("--no-install")
        .arg("tauri")
        .args(args);
    c
}

fn generate_key(path: &Path) -> String {
    run(&mut npx_tauri(&[
        "signer",
        "generate",
        "--ci",
        "-p",
        "",
        "-w",
        &path.display().to_string(),
    ]));
    std::fs::read_to_string(path.with_extension("key.pub")).expect("the public key")
}

impl Releases {
    fn build() -> Releases {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("test.key");
        let pubkey = generate_key(&key);
        let other = dir.path().join("other.key");
        generate_key(&other);

        let conf: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root().join("tauri.conf.json")).unwrap())
                .unwrap();
        let n = conf["version"].as_str().expect("a version").to_string();
        let mut parts: Vec<u64> = n.split('.').map(|p| p.parse().unwrap()).collect();
        *parts.last_mut().unwrap() += 1;
        let next = parts
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(".");

        let build = |version: &str| -> PathBuf {
            let t0 = Instant::now();
            // Only what a test build needs differs from the shipped config:
            // the version, the test key, plain HTTP on loopback; ui/dist is
            // built already.
            let config = serde_json::json!({
                "version": version,
                "build": { "beforeBuildCommand": null },
                "plugins": { "updater": {
                    "pubkey": pubkey.trim(),
                    "dangerousInsecureTransportProtocol": true
                } }
            });
            let mut package = Command::new("bash");
            package
                .current_dir(root())
                .args(["scripts/package.sh", "--debug", "--config"])
                .arg(config.to_string())
                .env("TAURI_SIGNING_PRIVATE_KEY", &key)
                .env("TAURI_SIGNING_PRIVATE_KEY_PASSWORD", "");
            without_this_tests_cargo_env(&mut package);
            run(&mut package);
            let built = root().join(format!("target/debug/bundle/deb/Till_{version}_amd64.deb"));
            let kept = dir.path().join(built.file_name().unwrap());
            std::fs::copy(&built, &kept).unwrap();
            std::fs::copy(
                built.with_extension("deb.sig"),
                kept.with_extension("deb.sig"),
            )
            .unwrap();
            eprintln!(
                "built Till {version} (.deb) in {} s",
                t0.elapsed().as_secs()
            );
            kept
        };
        let deb_n = build(&n);
        let deb_next = build(&next);
        let sig_next = std::fs::read_to_string(deb_next.with_extension("deb.sig")).unwrap();
        // The same package signed with a key the app does not trust.
        run(&mut npx_tauri(&[
            "signer",
            "sign",
            "-f",
            &other.display().to_string(),
            "-p",
            "",
            "--app-version",
            &next,
            &deb_next.display().to_string(),
        ]));
        let sig_other = std::fs::read_to_string(deb_next.with_extension("deb.sig")).unwrap();
        assert_ne!(sig_other, sig_next);
        Releases {
            dir,
            n,
            next,
            deb_n,
            deb_next,
            sig_next,
            sig_other,
        }
    }
}

/// Leaves out what `cargo test` set for this test binary (`CARGO_PKG_NAME`,
/// `CARGO_MANIFEST_DIR`, ..): build scripts watch some of them (ring's), so
/// the nested build would rebuild them, and the next plain build again.
fn without_this_tests_cargo_env(cmd: &mut Command) {
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let per_unit = [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
        ]
        .iter()
        .any(|p| name.starts_with(p))
            || [
                "CARGO",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
                "OUT_DIR",
            ]
            .contains(&name.as_ref());
        if per_unit {
            cmd.env_remove(name.as_ref());
        }
    }
}

// ---- A static update server on loopback ----

/// `python3 -m http.server` over a folder of manifests and packages.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let port = free_port();
        let child = Command::new("python3")
            .args(["-m", "http.server", "--bind", "127.0.0.1"])
            .arg(port.to_string())
            .arg("--directory")
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the update server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, port }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes `name/latest.json` offering `version` as `package` (copied in)
/// with `signature`, and returns the manifest's address.
fn publish(
    server: &Server,
    dir: &Path,
    name: &str,
    version: &str,
    package: &[u8],
    signature: &str,
) -> String {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    let file = format!("Till_{version}_amd64.deb");
    std::fs::write(folder.join(&file), package).unwrap();
    let manifest = serde_json::json!({
        "version": version,
        "notes": format!("Till {version}: faster receipts."),
        "pub_date": "2026-12-01T12:00:00Z",
        "platforms": { "linux-x86_64-deb": {
            "url": server.url(&format!("{name}/{file}")),
            "signature": signature
        } }
    });
    std::fs::write(folder.join("latest.json"), manifest.to_string()).unwrap();
    server.url(&format!("{name}/latest.json"))
}

// ---- The window: one tauri-driver for the run, one session per window ----

static DRIVER: OnceLock<Driver> = OnceLock::new();

static HOME: OnceLock<PathBuf> = OnceLock::new();

/// The fresh HOME of the run's apps, removed when the run ends.
fn home() -> &'static Path {
    HOME.get_or_init(|| {
        let home = std::env::temp_dir().join(format!("till-package-home-{}", std::process::id()));
        std::fs::create_dir_all(&home).unwrap();
        remove_at_exit(home.clone());
        home
    })
}

/// The run's tauri-driver, started once, with the fresh HOME (and no XDG
/// folders of the machine) that every app it starts inherits.
fn driver() -> &'static Driver {
    DRIVER.get_or_init(|| {
        start_driver(|cmd| {
            cmd.env("HOME", home()).env("TILL_USER", "package");
            for var in ["XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"] {
                cmd.env_remove(var);
            }
        })
    })
}

/// Opens the installed app (with `args`) in a WebDriver session, runs
/// `test`, and closes the session afterwards, also when the test fails.
/// `restarts`: the app is expected to restart itself (an installed
/// update), which ends the session from the app's side.
async fn in_window<F, Fut>(args: &[&str], restarts: bool, test: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let driver = driver();
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), serde_json::json!("wry"));
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": APP, "args": args }),
    );
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("WebDriver session");
    let outcome = tokio::spawn(test(c.clone())).await;
    // An app that restarted has left its session: closing it may fail.
    let closed = tokio::time::timeout(Duration::from_secs(20), c.close()).await;
    match outcome {
        Ok(()) if restarts => {}
        Ok(()) => closed
            .expect("closing the WebDriver session in time")
            .expect("closing the WebDriver session"),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("the test did not run to its end: {e}"),
    }
}

fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

async fn find(c: &Client, id: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&testid(id)))
        .await
        .unwrap_or_else(|e| panic!("{id}: {e}"))
}

async fn click(c: &Client, id: &str) {
    find(c, id).await.click().await.unwrap();
}

/// Waits until the element's text contains `want`, and returns the text.
async fn wait_text(c: &Client, id: &str, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = match c.find(Locator::Css(&testid(id))).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(want) {
            return text;
        }
        if Instant::now() > deadline {
            let shot = screenshot(c, &format!("failed-{id}")).await;
            panic!("{id}: wanted {want:?}, saw {text:?} (screenshot {shot:?})");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn screenshot(c: &Client, name: &str) -> PathBuf {
    let _ = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
            vec![],
        )
        .await;
    let dir = root().join("target/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("package-{name}.png"));
    if let Ok(png) = c.screenshot().await {
        std::fs::write(&path, png).unwrap();
    }
    path
}

/// Ends the app the update restarted (it runs outside the WebDriver
/// session): the process of the installed app whose arguments name `db`.
fn kill_restarted_app(db: &Path) {
    let want = db.display().to_string();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut found = false;
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            let args: Vec<String> = cmdline
                .split(|b| *b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            if args.first().is_some_and(|a| a.ends_with("till-desktop")) && args.contains(&want) {
                // SAFETY: sends a signal to the process found.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
                found = true;
            }
        }
        if found {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the updated app did not start again"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

// ---- The tests ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, a display, tauri-driver and the npm packages; run by scripts/test.sh"]
async fn the_deb_installs_into_the_menu_starts_sells_and_removes_leaving_the_store() {
    if !runs_as_root("the package test") {
        return;
    }
    let _one = serial().await;
    let r = releases();
    install(&r.deb_n);
    assert_eq!(installed_version().as_deref(), Some(r.n.as_str()));
    assert!(Path::new(APP).exists(), "{APP} was not installed");
    let entry = std::fs::read_to_string(MENU_ENTRY).expect("the menu entry");
    for line in ["Name=Till", "Exec=till-desktop", "Icon=till-desktop"] {
        assert!(entry.lines().any(|l| l == line), "{line} not in {entry}");
    }
    assert!(
        Path::new("/usr/share/icons/hicolor/128x128/apps/till-desktop.png").exists(),
        "no menu icon"
    );

    // First start with a fresh HOME: the store goes in the user's data folder.
    let store = home().join(".local/share/till/till.db");
    let made = store.clone();
    in_window(&[], false, |_c| async move {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !made.exists() {
            assert!(Instant::now() < deadline, "no store at {}", made.display());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    {
        // The owner's set-up and first product, as `till` would make them.
        let mut s = Store::open(&store).unwrap();
        s.update_settings(SettingsUpdate {
            setup_done: Some(true),
            ..Default::default()
        })
        .unwrap();
        s.add_product(NewProduct {
            sku: "COF".into(),
            name: "Coffee".into(),
            price: "3.40".parse::<Decimal>().unwrap(),
            stock: Some(5),
            ..Default::default()
        })
        .unwrap();
    }
    in_window(&[], false, |c| async move {
        find(&c, "scan")
            .await
            .send_keys("COF\u{E007}")
            .await
            .unwrap();
        wait_text(&c, "subtotal", "3.40").await;
        click(&c, "pay").await;
        let cash = find(&c, "cash-amount").await;
        cash.clear().await.unwrap();
        cash.send_keys("5").await.unwrap();
        click(&c, "complete-payment").await;
        find(&c, "receipt-number").await;
        screenshot(&c, "installed-sale").await;
    })
    .await;
    assert_eq!(
        Store::open(&store)
            .unwrap()
            .orders(None, None, None)
            .unwrap()
            .len(),
        1
    );

    apt_get(&["remove", "-y", "till"]);
    assert_eq!(installed_version(), None);
    assert!(!Path::new(APP).exists(), "{APP} is still there");
    assert!(
        !Path::new(MENU_ENTRY).exists(),
        "the menu entry is still there"
    );
    assert!(store.exists(), "removing the app removed the store");
    assert_eq!(
        Store::open(&store)
            .unwrap()
            .orders(None, None, None)
            .unwrap()
            .len(),
        1
    );
}

/// A store of its own for one update session, pointing at `endpoint`,
/// with one backup made just now: the app's automatic backup is not due at
/// start, so the backups a session adds are the update's own.
fn update_store(dir: &Path, name: &str, endpoint: &str) -> PathBuf {
    let db = dir.join(format!("{name}.db"));
    let mut s = Store::create(&db, Settings::default()).unwrap();
    s.update_settings(SettingsUpdate {
        update_endpoint: Some(Some(endpoint.to_string())),
        ..Default::default()
    })
    .unwrap();
    s.backup(None).unwrap();
    db
}

/// Version N installed, its window open on a store whose endpoint is
/// `endpoint`; the start-up check's banner leads to the update panel.
/// Runs `test` there; afterwards the store opens, with `backups` backups more
/// (one made before installing an update, none for a refused one).
async fn from_version_n<F, Fut>(name: &str, endpoint: &str, restarts: bool, backups: usize, test: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let r = releases();
    install(&r.deb_n);
    assert_eq!(installed_version().as_deref(), Some(r.n.as_str()));
    let stores = tempfile::tempdir().unwrap();
    let db = update_store(stores.path(), name, endpoint);
    let db_arg = db.display().to_string();
    let t0 = Instant::now();
    in_window(&["--db", &db_arg], restarts, test).await;
    eprintln!("{name}: window session {} s", t0.elapsed().as_secs());
    if restarts {
        kill_restarted_app(&db);
    }
    // The store is never lost: it opens and has its settings.
    let s = Store::open(&db).unwrap();
    assert_eq!(s.settings().update_endpoint.as_deref(), Some(endpoint));
    // The one made with the store, and the update's.
    assert_eq!(s.backups().unwrap().len(), 1 + backups, "backups of {name}");
}

/// Opens the update panel from the banner the check at start shows.
async fn open_offer(c: &Client, version: &str) {
    wait_text(c, "update-banner", version).await;
    click(c, "update-banner-open").await;
    wait_text(c, "update-offer-version", version).await;
    wait_text(c, "update-notes", "faster receipts").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, a display, tauri-driver and the npm packages; run by scripts/test.sh"]
async fn an_update_is_found_verified_installed_and_the_app_restarts_into_it() {
    if !runs_as_root("the update test") {
        return;
    }
    let _one = serial().await;
    let r = releases();
    let site = tempfile::tempdir().unwrap();
    let server = Server::start(site.path());
    let package = std::fs::read(&r.deb_next).unwrap();
    let endpoint = publish(&server, site.path(), "good", &r.next, &package, &r.sig_next);
    let (n, next) = (r.n.clone(), r.next.clone());
    from_version_n("good", &endpoint, true, 1, |c| async move {
        open_offer(&c, &next).await;
        wait_text(&c, "update-current", &n).await;
        screenshot(&c, "update-offered").await;
        click(&c, "update-install").await;
        // dpkg runs, then the app restarts (ending this session).
        let deadline = Instant::now() + Duration::from_secs(120);
        while installed_version().as_deref() != Some(next.as_str()) {
            assert!(Instant::now() < deadline, "the update was not installed");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    })
    .await;
    assert_eq!(installed_version().as_deref(), Some(r.next.as_str()));
}

/// N+1 published as `package` with `signature`: version N's window is
/// offered it, "Install and restart" is refused with `reason`, and N stays
/// installed.
async fn refused(name: &'static str, package: &[u8], signature: &str, reason: &'static str) {
    let r = releases();
    let site = tempfile::tempdir().unwrap();
    let server = Server::start(site.path());
    let endpoint = publish(&server, site.path(), name, &r.next, package, signature);
    let (n, next) = (r.n.clone(), r.next.clone());
    from_version_n(name, &endpoint, false, 0, move |c| async move {
        open_offer(&c, &next).await;
        click(&c, "update-install").await;
        let said = wait_text(&c, "update-refusal", reason).await;
        assert!(said.contains("Nothing was installed"), "{said}");
        screenshot(&c, &format!("refused-{name}")).await;
        assert_eq!(installed_version().as_deref(), Some(n.as_str()));
        // Still the running version, still selling.
        wait_text(&c, "update-current", &n).await;
        find(&c, "scan").await;
    })
    .await;
    assert_eq!(installed_version().as_deref(), Some(r.n.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, a display, tauri-driver and the npm packages; run by scripts/test.sh"]
async fn a_tampered_package_is_refused_and_version_n_stays() {
    if !runs_as_root("the tampered-update test") {
        return;
    }
    let _one = serial().await;
    let r = releases();
    let mut package = std::fs::read(&r.deb_next).unwrap();
    // One byte changed in the middle of the package, the signature as published.
    let middle = package.len() / 2;
    package[middle] ^= 0x01;
    refused(
        "tampered",
        &package,
        &r.sig_next,
        "signature does not match",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, a display, tauri-driver and the npm packages; run by scripts/test.sh"]
async fn a_package_signed_with_another_key_is_refused_and_version_n_stays() {
    if !runs_as_root("the wrong-signature test") {
        return;
    }
    let _one = serial().await;
    let r = releases();
    let package = std::fs::read(&r.deb_next).unwrap();
    refused(
        "other-key",
        &package,
        &r.sig_other,
        "signature does not match",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, a display, tauri-driver and the npm packages; run by scripts/test.sh"]
async fn an_older_version_is_not_offered_and_version_n_stays() {
    if !runs_as_root("the older-version test") {
        return;
    }
    let _one = serial().await;
    let r = releases();
    let site = tempfile::tempdir().unwrap();
    let server = Server::start(site.path());
    // Validly signed, but older than N.
    let package = std::fs::read(&r.deb_next).unwrap();
    let endpoint = publish(
        &server,
        site.path(),
        "older",
        "0.0.1",
        &package,
        &r.sig_next,
    );
    let n = r.n.clone();
    from_version_n("older", &endpoint, false, 0, move |c| async move {
        find(&c, "scan").await;
        // The check at start finds nothing to offer: no banner. Asked
        // again through the panel's command, the answer is the same.
        let offer = c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.__TAURI_INTERNALS__.invoke('update_check').then(done, (e) => done({ refused: e }));",
                vec![],
            )
            .await
            .unwrap();
        assert!(offer.is_null(), "an older version was offered: {offer}");
        assert!(
            c.find(Locator::Css(&testid("update-banner"))).await.is_err(),
            "a banner offers an older version"
        );
        assert_eq!(installed_version().as_deref(), Some(n.as_str()));
    })
    .await;
    assert_eq!(installed_version().as_deref(), Some(r.n.as_str()));
    let _ = &r.dir;
}
