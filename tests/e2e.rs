//! End-to-end in a real window: the built desktop app under Xvfb, driven
//! through `tauri-driver` and WebKitWebDriver.
//!
//! Needs a display (run under `xvfb-run`), `tauri-driver` on PATH and the
//! app built with the embedded UI (`--features tauri/custom-protocol`).
//! `scripts/test.sh` does all of that; a plain `cargo test` skips it.
//! Screenshots go to `target/e2e/`.

#[path = "support/license.rs"]
mod license_support;
use license_support::pro_license;
#[path = "support/webdriver.rs"]
mod webdriver_support;
use webdriver_support::{remove_at_exit, spawn_killed_at_exit, start_driver, Driver};

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use rust_decimal::Decimal;
use till_core::catalog::NewProduct;
use till_core::settings::Settings;
use till_core::Store;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn app_binary() -> PathBuf {
    std::env::var_os("TILL_E2E_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/debug/till-desktop"))
}

/// The one tauri-driver of the run, started by the first test that needs
/// it; each test opens a session of its own on it (`in_window`): a fresh
/// app on the test's own store.
static DRIVER: OnceLock<Driver> = OnceLock::new();

fn driver() -> &'static Driver {
    DRIVER.get_or_init(|| {
        let home = home();
        start_driver(|cmd| {
            cmd.env("TILL_USER", "e2e").envs(home.env());
        })
    })
}

/// What every app of the run shares besides the display: a data and a
/// config folder of the run's own (log files, remembered window places;
/// never the user's) and a D-Bus session bus of its own, on which the app
/// claims its store's name (one app per store file).
struct Home {
    dir: PathBuf,
    bus: String,
    /// Kept, not waited for: the kill at exit ends it.
    _bus_daemon: std::process::Child,
}

static HOME: OnceLock<Home> = OnceLock::new();

fn home() -> &'static Home {
    HOME.get_or_init(Home::start)
}

impl Home {
    fn start() -> Home {
        let dir = std::env::temp_dir().join(format!("till-e2e-home-{}", std::process::id()));
        for sub in ["data", "config", "bus"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let socket = dir.join("bus/socket");
        let bus = format!("unix:path={}", socket.display());
        remove_at_exit(dir.clone());
        let daemon = spawn_killed_at_exit(
            Command::new("dbus-daemon")
                .args([
                    "--session",
                    "--nofork",
                    "--nopidfile",
                    &format!("--address={bus}"),
                ])
                // It reports every service it starts for the web view: noise.
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
        .expect("dbus-daemon not found (apt-get install dbus-daemon)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            assert!(Instant::now() < deadline, "dbus-daemon did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Home {
            dir,
            bus,
            _bus_daemon: daemon,
        }
    }

    /// The environment of an app of the run.
    fn env(&self) -> [(&'static str, String); 3] {
        [
            ("XDG_DATA_HOME", self.dir.join("data").display().to_string()),
            (
                "XDG_CONFIG_HOME",
                self.dir.join("config").display().to_string(),
            ),
            ("DBUS_SESSION_BUS_ADDRESS", self.bus.clone()),
        ]
    }
}

async fn connect(db: &Path) -> Client {
    let app = app_binary();
    assert!(
        app.exists(),
        "build the app first: {} is missing",
        app.display()
    );
    let driver = driver();
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), serde_json::json!("wry"));
    // tauri-driver takes the application and its arguments (not its
    // environment): the store goes as `--db`.
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app, "args": ["--db", db] }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("WebDriver session")
}

/// Opens the app on the store `db` in a WebDriver session of its own, runs
/// `test` in it, and closes the session (and with it the app) afterwards,
/// also when the test fails: WebKitWebDriver holds one session at a time,
/// so one left open would fail every test after it.
async fn in_window<F, Fut>(db: &Path, test: F)
where
    F: FnOnce(Client, PathBuf) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let c = connect(db).await;
    let outcome = tokio::spawn(test(c.clone(), db.to_path_buf())).await;
    let closed = c.close().await;
    match outcome {
        Ok(()) => closed.expect("closing the WebDriver session"),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("the test did not run to its end: {e}"),
    }
}

/// The WebDriver code of the Enter key ("\n" is not a key press in WebKitWebDriver).
const ENTER: &str = "\u{E007}";

fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

async fn find(c: &Client, id: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(&testid(id)))
        .await
        .unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// Types a SKU or barcode into the scan box and presses Enter, as a scanner does.
async fn scan(c: &Client, code: &str) {
    find(c, "scan")
        .await
        .send_keys(&format!("{code}{ENTER}"))
        .await
        .unwrap();
}

/// Waits until the element's text contains `want`, and returns the text.
async fn wait_text(c: &Client, id: &str, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        // The rendered text, or else the DOM's: WebKitWebDriver leaves out
        // text inside `overflow: hidden` ellipsis boxes that is on screen.
        let text = match c.find(Locator::Css(&testid(id))).await {
            Ok(e) => {
                let shown = e.text().await.unwrap_or_default();
                if shown.contains(want) {
                    shown
                } else {
                    e.prop("textContent").await.ok().flatten().unwrap_or(shown)
                }
            }
            Err(_) => String::new(),
        };
        if text.contains(want) {
            return text;
        }
        if Instant::now() > deadline {
            let shot = screenshot(c, &format!("failed-{id}")).await;
            panic!(
                "{id}: wanted {want:?}, saw {text:?} (screenshot {})",
                shot.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits two animation frames (so the screenshot shows the current frame), then saves it.
async fn screenshot(c: &Client, name: &str) -> PathBuf {
    c.execute_async("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));", vec![])
        .await
        .unwrap();
    let png = c.screenshot().await.unwrap();
    let dir = root().join("target/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap();
    path
}

/// Runs xdotool on the test's display; panics with its words on failure.
fn xdotool(args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .output()
        .expect("xdotool runs (apt-get install xdotool)");
    assert!(
        out.status.success(),
        "xdotool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits for the native file dialog titled `title` that the app opens
/// (the real GTK file chooser) and gives it the keyboard: WebDriver reaches
/// only the web view, so the test drives the dialog as a user would, with
/// keys (xdotool).
async fn file_dialog(title: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    let dialog = loop {
        let found = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", title])
            .output()
            .expect("xdotool runs (apt-get install xdotool)");
        let ids = String::from_utf8_lossy(&found.stdout);
        if let Some(id) = ids.lines().next() {
            break id.trim().to_string();
        }
        assert!(Instant::now() < deadline, "no file dialog {title:?} opened");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // GTK maps the dialog before it takes keys: let it settle.
    tokio::time::sleep(Duration::from_millis(500)).await;
    xdotool(&["windowfocus", "--sync", &dialog]);
    dialog
}

/// Chooses `path` in the file dialog titled `title`: Ctrl+L for its
/// location field, the path, Return.
async fn choose_file(title: &str, path: &Path) {
    file_dialog(title).await;
    xdotool(&["key", "--clearmodifiers", "ctrl+l"]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    xdotool(&["type", "--delay", "5", &path.display().to_string()]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    xdotool(&["key", "Return"]);
}

/// Saves as `path` in the "save as" dialog titled `title`: the whole path
/// typed into its name field (which GTK takes), Return.
async fn save_file_as(title: &str, path: &Path) {
    file_dialog(title).await;
    xdotool(&["key", "--clearmodifiers", "ctrl+a"]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    xdotool(&["type", "--delay", "5", &path.display().to_string()]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    xdotool(&["key", "Return"]);
}

/// Closes the file dialog titled `title` without choosing (Escape).
async fn close_file_dialog(title: &str) {
    file_dialog(title).await;
    xdotool(&["key", "Escape"]);
}

fn shop(dir: &Path) -> PathBuf {
    let db = dir.join("e2e.db");
    let mut s = Store::create(
        &db,
        Settings {
            store_name: "E2E Café".into(),
            ..Settings::default()
        },
    )
    .unwrap();
    for (sku, name, price, tax, stock, barcode) in [
        ("COF", "Coffee", "3.40", "10", 20, None),
        (
            "MUF",
            "Blueberry muffin",
            "2.90",
            "10",
            10,
            Some("2000000000091"),
        ),
        ("WAT", "Still water", "1.50", "0", 30, None),
    ] {
        s.add_product(NewProduct {
            sku: sku.into(),
            name: name.into(),
            price: price.parse::<Decimal>().unwrap(),
            tax_rate: Some(tax.parse().unwrap()),
            stock: Some(stock),
            barcode: barcode.map(String::from),
            ..Default::default()
        })
        .unwrap();
    }
    db
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn cashier_rings_up_a_three_line_cash_sale() {
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    in_window(&db, move |c, db| async move {
        // A mistake is worded with the window's words, never a CLI flag.
        scan(&c, "COFx0").await;
        let said = wait_text(&c, "error", "Item: COFx0").await;
        assert!(!said.contains("--"), "{said}");
        // SKU with a quantity, a barcode, and a plain SKU then + on its line.
        scan(&c, "2*COF").await;
        wait_text(&c, "subtotal", "6.80").await;
        scan(&c, "2000000000091").await;
        wait_text(&c, "subtotal", "9.70").await;
        scan(&c, "WAT").await;
        wait_text(&c, "subtotal", "11.20").await;
        let water = c
            .find(Locator::Css(
                "[data-testid=\"cart-line\"][data-sku=\"WAT\"]",
            ))
            .await
            .unwrap();
        water
            .find(Locator::Css(&testid("qty-plus")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        water
            .find(Locator::Css(&testid("qty-plus")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // 6.80 + 2.90 @10% = 0.97 tax; 4.50 @0%
        wait_text(&c, "subtotal", "14.20").await;
        wait_text(&c, "total", "15.17").await;
        assert_eq!(
            c.find_all(Locator::Css(&testid("cart-line")))
                .await
                .unwrap()
                .len(),
            3
        );
        screenshot(&c, "checkout-cart").await;

        find(&c, "pay").await.click().await.unwrap();
        find(&c, "pay-dialog").await;
        let cash = find(&c, "cash-amount").await;
        cash.clear().await.unwrap();
        cash.send_keys("20").await.unwrap();
        find(&c, "complete-payment").await.click().await.unwrap();
        let change = wait_text(&c, "change", "4.83").await;
        assert!(change.contains("4.83"), "{change}");
        let number = find(&c, "receipt-number").await.text().await.unwrap();
        let shot = screenshot(&c, "checkout-receipt").await;
        println!("receipt {number}, screenshot {}", shot.display());

        // The sale is in the store, with its stock movements.
        let s = Store::open(&db).unwrap();
        assert_eq!(s.stock("COF").unwrap().on_hand, 18);
        assert_eq!(s.stock("MUF").unwrap().on_hand, 9);
        assert_eq!(s.stock("WAT").unwrap().on_hand, 27);
        let orders = s.orders(None, None, None).unwrap();
        assert_eq!(orders.len(), 1);
        assert_eq!(orders[0].total.to_string(), "15.17");
        assert!(
            number.contains(&orders[0].number),
            "{number} vs {}",
            orders[0].number
        );
        let r = s.order(&orders[0].id).unwrap();
        assert_eq!(r.change.to_string(), "4.83");

        // A new sale starts empty.
        find(&c, "new-sale").await.click().await.unwrap();
        find(&c, "scan").await;
        assert!(c
            .find_all(Locator::Css(&testid("cart-line")))
            .await
            .unwrap()
            .is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn a_flash_sale_starting_while_the_checkout_is_open_shows_its_badge() {
    use till_core::pricing::{FlashEffect, FlashSaleInput};
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    in_window(&db, move |c, db| async move {
        find(&c, "scan").await;
        assert!(c
            .find_all(Locator::Css(&testid("sale-badge")))
            .await
            .unwrap()
            .is_empty());

        // Another process (here: this test, as the CLI would) schedules a sale
        // that starts a few seconds from now; the open window is not told.
        let start = chrono::Utc::now() + chrono::Duration::seconds(4);
        let mut s = Store::open(&db).unwrap();
        let sale = s
            .create_flash_sale(FlashSaleInput {
                name: "Coffee rush".into(),
                skus: vec!["COF".into()],
                categories: vec![],
                effect: FlashEffect::Multiplier("0.75".parse().unwrap()),
                starts_at: start,
                ends_at: start + chrono::Duration::hours(1),
                weekly: false,
            })
            .unwrap();
        drop(s);
        let badge = wait_text(&c, "sale-badge", "Coffee rush").await;
        assert!(
            chrono::Utc::now() >= start,
            "the badge showed before the sale started: {badge}"
        );
        let id = find(&c, "sale-badge")
            .await
            .attr("data-sale-id")
            .await
            .unwrap();
        assert_eq!(id.as_deref(), Some(sale.id.to_string().as_str()));
        wait_text(&c, "sale-countdown", "ends in").await;

        // A line added now gets the sale price, with its reason.
        scan(&c, "COF").await;
        wait_text(&c, "subtotal", "2.55").await;
        wait_text(&c, "price-note", "Coffee rush").await;
        screenshot(&c, "flash-sale-badge").await;
    })
    .await;
}

/// How many `prices-changed` events the window has heard since
/// `listen_for_price_changes`.
async fn price_changes_heard(c: &Client) -> i64 {
    c.execute("return window.__pricesChanged;", vec![])
        .await
        .unwrap()
        .as_i64()
        .expect("the listener is installed")
}

/// Counts the backend's `prices-changed` events in the page, as the screens
/// hear them (through Tauri's event plugin).
async fn listen_for_price_changes(c: &Client) {
    let installed = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const tauri = window.__TAURI_INTERNALS__;
             window.__pricesChanged = 0;
             tauri.invoke('plugin:event|listen', {
               event: 'prices-changed',
               target: { kind: 'Any' },
               handler: tauri.transformCallback(() => { window.__pricesChanged += 1; }),
             }).then(() => done(true), (e) => done(String(e)));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(installed, serde_json::json!(true), "{installed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn the_window_hears_of_price_changes_and_not_of_sync_batches() {
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    {
        // A backlog for the sync to deliver.
        let mut s = Store::open(&db).unwrap();
        for _ in 0..3 {
            s.adjust_stock("WAT", 1, till_core::inventory::MovementKind::Restock, None)
                .unwrap();
        }
    }
    in_window(&db, move |c, db| async move {
        find(&c, "scan").await;
        listen_for_price_changes(&c).await;

        // Another connection does what a sync does, batch after batch:
        // events marked sent, the sync status written.
        let mut s = Store::open(&db).unwrap();
        for e in s.pending_events(100).unwrap() {
            s.record_delivery(&[e.id], &[]).unwrap();
            let now = chrono::Utc::now().to_rfc3339();
            s.set_sync_state(&[("last_success", Some(&now)), ("connected", Some("true"))])
                .unwrap();
            tokio::time::sleep(Duration::from_millis(700)).await;
        }
        assert_eq!(s.pending_event_count().unwrap(), 0);
        // The watcher looks once a second: give it time to (wrongly) speak.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert_eq!(
            price_changes_heard(&c).await,
            0,
            "sync batches changed no price"
        );

        // Another process changes a price: the window hears of it.
        s.update_product(
            "COF",
            till_core::catalog::ProductUpdate {
                price: Some("3.60".parse().unwrap()),
                ..Default::default()
            },
        )
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while price_changes_heard(&c).await == 0 {
            assert!(
                Instant::now() < deadline,
                "the window was not told of the new price"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn back_office_screens_render_and_take_input() {
    use till_core::pricing::{Condition, Effect, RuleInput, Scope};
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    {
        let mut s = Store::open(&db).unwrap();
        s.add_pricing_rule(RuleInput {
            condition: Condition::StockBelow(15),
            effect: Effect::Multiplier("1.1".parse().unwrap()),
            scope: Scope::All,
            hysteresis: 0,
        })
        .unwrap();
        sell_direct(&mut s, &[("WAT", 2)]);
    }
    in_window(&db, move |c, _db| async move {
        find(&c, "nav-products").await.click().await.unwrap();
        wait_text(&c, "product-row", "COF").await;
        assert_eq!(
            c.find_all(Locator::Css(&testid("product-row")))
                .await
                .unwrap()
                .len(),
            3
        );
        screenshot(&c, "screen-products").await;

        find(&c, "nav-orders").await.click().await.unwrap();
        wait_text(&c, "order-row", "3.00").await;
        screenshot(&c, "screen-orders").await;

        find(&c, "nav-pricing").await.click().await.unwrap();
        wait_text(&c, "rule-row", "15").await;
        screenshot(&c, "screen-pricing").await;

        find(&c, "nav-sync").await.click().await.unwrap();
        find(&c, "sync-login-form").await;
        wait_text(&c, "sync-pending", "1 event").await;
        let state = find(&c, "sync-indicator")
            .await
            .attr("data-state")
            .await
            .unwrap();
        assert_eq!(state.as_deref(), Some("off"), "no upstream is set up");
        screenshot(&c, "screen-sync").await;
    })
    .await;
}

fn sell_direct(s: &mut Store, items: &[(&str, i64)]) {
    s.sell(till_core::checkout::SaleRequest {
        lines: items
            .iter()
            .map(|(code, qty)| till_core::checkout::SaleLine {
                code: (*code).into(),
                qty: *qty,
                discount: None,
                price: None,
            })
            .collect(),
        tenders: vec![till_core::checkout::Tender {
            method: till_core::checkout::TenderMethod::Cash,
            amount: "100".parse().unwrap(),
            reference: None,
        }],
        ..Default::default()
    })
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn a_cart_with_a_bundles_items_shows_the_bundle_discount() {
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    {
        let mut s = Store::open(&db).unwrap();
        s.create_bundle(till_core::bundles::BundleInput {
            name: "Coffee & muffin".into(),
            items: vec![("COF".into(), 1), ("MUF".into(), 1)],
            ..Default::default()
        })
        .unwrap();
        // Coffee and water were bought together twice: "often bought with".
        sell_direct(&mut s, &[("COF", 1), ("WAT", 1)]);
        sell_direct(&mut s, &[("COF", 1), ("WAT", 1)]);
    }
    in_window(&db, move |c, db| async move {
        scan(&c, "COF").await;
        wait_text(&c, "subtotal", "3.40").await;
        // Water is suggested (its chip carries the SKU; the name is in the
        // screenshot).
        wait_text(&c, "companion", "1.50").await;
        let chip = find(&c, "companion").await;
        assert_eq!(chip.attr("data-sku").await.unwrap().as_deref(), Some("WAT"));
        // One click adds the companion.
        chip.click().await.unwrap();
        wait_text(&c, "subtotal", "4.90").await;
        assert!(c
            .find_all(Locator::Css(&testid("bundle-line")))
            .await
            .unwrap()
            .is_empty());
        scan(&c, "MUF").await;
        // 3.40 + 2.90 = 6.30, 10 % off = 0.63; 5.67 + 10 % tax (0.57) + water 1.50.
        wait_text(&c, "bundle-line", "Coffee & muffin").await;
        wait_text(&c, "bundle-discount", "0.63").await;
        wait_text(&c, "subtotal", "7.80").await;
        wait_text(&c, "total", "7.74").await;
        screenshot(&c, "checkout-bundle").await;

        // Taking the muffin out takes the bundle with it.
        let muffin = c
            .find(Locator::Css(
                "[data-testid=\"cart-line\"][data-sku=\"MUF\"]",
            ))
            .await
            .unwrap();
        muffin
            .find(Locator::Css(&testid("line-remove")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, "subtotal", "4.90").await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !c
            .find_all(Locator::Css(&testid("bundle-line")))
            .await
            .unwrap()
            .is_empty()
        {
            assert!(Instant::now() < deadline, "the bundle line stayed");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // Back in, paid: the receipt shows the bundle and the store keeps it.
        scan(&c, "MUF").await;
        wait_text(&c, "bundle-discount", "0.63").await;
        find(&c, "pay").await.click().await.unwrap();
        find(&c, "pay-dialog").await;
        let cash = find(&c, "cash-amount").await;
        cash.clear().await.unwrap();
        cash.send_keys("20").await.unwrap();
        find(&c, "complete-payment").await.click().await.unwrap();
        wait_text(&c, "receipt-bundle-line", "0.63").await;
        screenshot(&c, "checkout-bundle-receipt").await;
        let s = Store::open(&db).unwrap();
        let orders = s.orders(None, None, None).unwrap();
        let last = s.order(&orders.last().unwrap().id).unwrap();
        assert_eq!(last.bundles.len(), 1);
        assert_eq!(last.bundles[0].discount.to_string(), "0.63");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn bundles_screen_mines_with_progress_and_cancel_and_approves_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    {
        let mut s = Store::open(&db).unwrap();
        for _ in 0..4 {
            sell_direct(&mut s, &[("COF", 1), ("MUF", 1)]);
        }
        sell_direct(&mut s, &[("WAT", 1)]);
    }
    in_window(&db, move |c, db| async move {
        find(&c, "nav-bundles").await.click().await.unwrap();

        // A large basket file at a low threshold: long enough to cancel.
        let retail = root().join("tests/data/retail.dat");
        assert!(retail.exists(), "{} is missing", retail.display());
        // The screen loads when first opened: wait for it.
        find(&c, "mine-source-file").await.click().await.unwrap();
        let support = find(&c, "mine-min-support").await;
        support.clear().await.unwrap();
        support.send_keys("0.0002").await.unwrap();
        let max_len = find(&c, "mine-max-len").await;
        max_len.clear().await.unwrap();
        // The file is chosen in the native dialog the backend opens.
        find(&c, "mine-start").await.click().await.unwrap();
        choose_file("Choose a basket file", &retail).await;
        find(&c, "mine-progress").await;
        screenshot(&c, "bundles-mining").await;
        find(&c, "mine-cancel").await.click().await.unwrap();
        wait_text(&c, "mine-status", "Cancelled").await;

        // The shop's own orders: coffee and muffin go together.
        find(&c, "mine-source-store").await.click().await.unwrap();
        let support = find(&c, "mine-min-support").await;
        support.clear().await.unwrap();
        support.send_keys("0.5").await.unwrap();
        find(&c, "mine-start").await.click().await.unwrap();
        wait_text(&c, "mine-summary", "5 baskets").await;
        wait_text(&c, "suggestion-row", "Blueberry muffin").await;
        find(&c, "suggestion-approve").await.click().await.unwrap();
        find(&c, "suggestion-approve-confirm")
            .await
            .click()
            .await
            .unwrap();
        wait_text(&c, "bundle-row", "Coffee").await;
        screenshot(&c, "screen-bundles").await;
        let s = Store::open(&db).unwrap();
        let bundles = s.bundles(true).unwrap();
        assert_eq!(bundles.len(), 1);
        assert_eq!(bundles[0].source, "suggestion");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn a_sale_with_a_referral_code_creates_the_pending_commission() {
    use till_core::customers::{CustomerKind, NewCustomer};
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    let (ann, code) = {
        let mut s = Store::open(&db).unwrap();
        let ann = s
            .add_customer(
                CustomerKind::Customer,
                NewCustomer {
                    name: "Ann Referrer".into(),
                    email: Some("ann@example.com".into()),
                    ..Default::default()
                },
            )
            .unwrap();
        s.add_customer(
            CustomerKind::Customer,
            NewCustomer {
                name: "Bob Buyer".into(),
                phone: Some("0612345678".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let code = s.issue_referral_code(&ann.id, None).unwrap().code;
        (ann.id, code)
    };
    in_window(&db, move |c, db| async move {
        scan(&c, "2*COF").await;
        wait_text(&c, "subtotal", "6.80").await;
        // The customer, found by part of the phone number.
        find(&c, "customer-search")
            .await
            .send_keys("12345")
            .await
            .unwrap();
        wait_text(&c, "customer-result", "Bob Buyer").await;
        find(&c, "customer-result").await.click().await.unwrap();
        wait_text(&c, "cart-customer", "Bob Buyer").await;
        // A wrong code is refused with a message; the right one is taken.
        let field = find(&c, "referral-code").await;
        field.send_keys("REFWRONG").await.unwrap();
        find(&c, "referral-apply").await.click().await.unwrap();
        wait_text(&c, "referral-error", "not a referral code").await;
        let field = find(&c, "referral-code").await;
        field.clear().await.unwrap();
        field.send_keys(&code.to_lowercase()).await.unwrap();
        find(&c, "referral-apply").await.click().await.unwrap();
        wait_text(&c, "cart-referral", &code).await;
        screenshot(&c, "checkout-referral").await;

        find(&c, "pay").await.click().await.unwrap();
        find(&c, "pay-dialog").await;
        let cash = find(&c, "cash-amount").await;
        cash.clear().await.unwrap();
        cash.send_keys("10").await.unwrap();
        find(&c, "complete-payment").await.click().await.unwrap();
        wait_text(&c, "receipt-referral", &code).await;

        // 6.80 net at 10 %: one pending commission of 0.68 for Ann.
        let s = Store::open(&db).unwrap();
        let list = s.commissions(None, Some(&ann)).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].amount.to_string(), "0.68");
        assert_eq!(list[0].status.as_str(), "pending");
        drop(s);

        // The back office shows it.
        find(&c, "nav-referrals").await.click().await.unwrap();
        wait_text(&c, "referrer-row", "Ann Referrer").await;
        wait_text(&c, "referrer-row", "0.68").await;
        find(&c, "referrer-row")
            .await
            .find(Locator::Css("button.name"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, "commission-row", "0.68").await;
        screenshot(&c, "screen-referrals").await;
        // The printable card for the code.
        find(&c, "code-card-print").await.click().await.unwrap();
        wait_text(&c, "code-card", &code).await;
        wait_text(&c, "code-card", "Ann Referrer").await;
        screenshot(&c, "referral-code-card").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn the_plan_screen_gates_upgrades_and_the_member_price_reaches_the_checkout() {
    use till_core::customers::{CustomerKind, NewCustomer};
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    {
        let mut s = Store::open(&db).unwrap();
        s.add_customer(
            CustomerKind::Customer,
            NewCustomer {
                name: "Mia Member".into(),
                email: Some("mia@example.com".into()),
                ..Default::default()
            },
        )
        .unwrap();
        sell_direct(&mut s, &[("WAT", 1)]);
    }
    let lic = dir.path().join("pro-license.json");
    std::fs::write(&lic, pro_license("E2E-1", "E2E Café")).unwrap();
    in_window(&db, move |c, _db| async move {
        find(&c, "nav-plan").await.click().await.unwrap();
        wait_text(&c, "plan-tier", "Free").await;
        wait_text(&c, "usage-panel", "1").await;
        // Memberships are not in Free: the owner is told which tier has them.
        let name = find(&c, "membership-tier-name").await;
        name.send_keys("Coffee club").await.unwrap();
        let discount = find(&c, "membership-tier-discount").await;
        discount.clear().await.unwrap();
        discount.send_keys("10").await.unwrap();
        find(&c, "membership-tier-save")
            .await
            .click()
            .await
            .unwrap();
        wait_text(&c, "gated-notice", "Pro").await;
        screenshot(&c, "screen-plan-free").await;

        // Install the license, chosen in the native file dialog: closing
        // the dialog changes nothing and says nothing; choosing the file
        // changes the tier and opens the gate.
        find(&c, "license-install").await.click().await.unwrap();
        close_file_dialog("Choose a license file").await;
        wait_text(&c, "license-install", "Choose license file").await;
        assert!(
            c.find(Locator::Css(&testid("license-error")))
                .await
                .is_err(),
            "closing the dialog is not an error"
        );
        wait_text(&c, "plan-tier", "Free").await;
        find(&c, "license-install").await.click().await.unwrap();
        choose_file("Choose a license file", &lic).await;
        wait_text(&c, "plan-tier", "Pro").await;
        find(&c, "membership-tier-save")
            .await
            .click()
            .await
            .unwrap();
        wait_text(&c, "membership-tier-row", "Coffee club").await;
        let search = c
            .find(Locator::Css(
                "[data-testid=\"membership-panel\"] [data-testid=\"customer-search\"]",
            ))
            .await
            .unwrap();
        search.send_keys("Mia").await.unwrap();
        wait_text(&c, "customer-result", "Mia Member").await;
        find(&c, "customer-result").await.click().await.unwrap();
        find(&c, "membership-enroll").await.click().await.unwrap();
        wait_text(&c, "customer-membership", "Coffee club").await;
        screenshot(&c, "screen-plan").await;

        // At the counter the member pays the member price.
        find(&c, "nav-checkout").await.click().await.unwrap();
        find(&c, "customer-search")
            .await
            .send_keys("mia@")
            .await
            .unwrap();
        wait_text(&c, "customer-result", "Mia Member").await;
        find(&c, "customer-result").await.click().await.unwrap();
        wait_text(&c, "member-badge", "Coffee club").await;
        scan(&c, "COF").await;
        // 3.40 less 10 % = 3.06.
        wait_text(&c, "subtotal", "3.06").await;
        wait_text(&c, "price-note", "Coffee club member").await;
        screenshot(&c, "checkout-member").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn a_flash_sale_that_cannot_be_read_is_named_and_removed_while_the_till_sells() {
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    // A row no Till writes: its start is in the year 10000.
    Store::open(&db)
        .unwrap()
        .connection()
        .execute_batch(
            "INSERT INTO flash_sales (id, name, effect, value, starts_at, ends_at, weekly, time_zone, created_at, updated_at)
                 VALUES (9, 'Broken', 'multiplier', '0.5', '+10000-01-01T22:59:00.000Z', '+10000-01-01T23:58:59.000Z', 0, 'UTC', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
             INSERT INTO flash_sale_targets VALUES (9, 'sku', 'COF');",
        )
        .unwrap();
    in_window(&db, move |c, db| async move {
    // The counter sells at the regular price.
    scan(&c, "COF").await;
    wait_text(&c, "subtotal", "3.40").await;
    // The Pricing screen names the row and what is wrong with it.
    find(&c, "nav-pricing").await.click().await.unwrap();
    let shown = wait_text(&c, "damaged-sales", "Flash sale 9").await;
    assert!(
        shown.contains("starts_at") && shown.contains("+10000"),
        "{shown}"
    );
    c.execute(
        "document.querySelector('[data-testid=\"damaged-sales\"]').scrollIntoView({block: 'center'})",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&c, "pricing-damaged-sale").await;
    find(&c, "damaged-sales")
        .await
        .find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while !c
        .find_all(Locator::Css(&testid("damaged-sales")))
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "the damaged sale is still listed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let left: i64 = Store::open(&db)
        .unwrap()
        .connection()
        .query_row("SELECT COUNT(*) FROM flash_sales", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
    })
    .await;
}

// ---------------------------------------------------------------------------
// Screens that fit: every screen and form at the smallest window (900 × 600)
// and at the default one (1200 × 800), with nothing scrolling sideways and no
// text cut off.

/// Looks at the page as it is and lists what does not fit: anything that
/// scrolls sideways (the page, a screen, a panel, a table), text cut off by
/// its box (overflow hidden, ellipsis, a field too narrow for its value or
/// placeholder, a select for its choice), anything reaching outside the
/// window or out of its form or panel, codes that wrap, number columns whose
/// header does not line up with them, and text showing through a list that
/// drops down over it.
const FIT_CHECK: &str = r#"
const problems = [];
const say = (el) => {
  const cls = [...el.classList].filter((c) => !c.startsWith('svelte-')).join('.');
  const id = el.getAttribute('data-testid');
  const text = (el.innerText || el.value || el.getAttribute('placeholder') || el.getAttribute('aria-label') || '')
    .trim().replace(/\s+/g, ' ').slice(0, 50);
  return `<${el.tagName.toLowerCase()}${cls ? '.' + cls : ''}${id ? ' ' + id : ''}> "${text}"`;
};
const shown = (el) => {
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  return r.width > 1 && r.height > 1 && cs.visibility !== 'hidden' && cs.display !== 'none';
};
const W = document.documentElement.clientWidth;
const outside = (el) => {
  if (!el || el === document.body || !shown(el)) return false;
  const r = el.getBoundingClientRect();
  return r.right > W + 1 || r.left < -1;
};
const ctx = document.createElement('canvas').getContext('2d');
const textWidth = (text, cs) => {
  ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  return ctx.measureText(text).width;
};
const room = (el, cs) => el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);

const page = document.scrollingElement;
if (page.scrollWidth > page.clientWidth) {
  problems.push(`the page scrolls sideways (${page.scrollWidth} > ${page.clientWidth})`);
}
for (const el of document.body.querySelectorAll('*')) {
  if (!shown(el)) continue;
  const cs = getComputedStyle(el);
  const tag = el.tagName;
  const over = el.scrollWidth - el.clientWidth;
  if (el.clientWidth > 1 && over > 1) {
    if (cs.overflowX === 'auto' || cs.overflowX === 'scroll') {
      problems.push(`scrolls sideways by ${over}px: ${say(el)}`);
    } else if (cs.overflowX === 'hidden' || cs.overflowX === 'clip' || cs.textOverflow === 'ellipsis') {
      problems.push(`cuts off ${over}px: ${say(el)}`);
    } else if (tag === 'INPUT' || tag === 'TEXTAREA') {
      problems.push(`too narrow for its value by ${over}px: ${say(el)}`);
    }
  }
  if (outside(el) && !outside(el.parentElement)) {
    const r = el.getBoundingClientRect();
    problems.push(`reaches outside the window (${Math.round(r.left)} to ${Math.round(r.right)} of ${W}): ${say(el)}`);
  }
  if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || tag === 'BUTTON') {
    const box = el.parentElement.closest('form, fieldset, dialog, .panel, aside, section, td, li');
    if (box && shown(box)) {
      const r = el.getBoundingClientRect();
      const b = box.getBoundingClientRect();
      if (r.right > b.right + 1 || r.left < b.left - 1) {
        problems.push(`sticks out of its ${box.tagName.toLowerCase()} by ${Math.round(Math.max(r.right - b.right, b.left - r.left))}px: ${say(el)}`);
      }
    }
  }
  const placeholder = el.getAttribute('placeholder');
  if ((tag === 'INPUT' || tag === 'TEXTAREA') && placeholder && el.value === '' && !el.disabled) {
    const need = textWidth(placeholder, cs);
    if (need > room(el, cs) + 1) {
      problems.push(`placeholder cut off (${Math.round(need)}px in ${Math.round(room(el, cs))}px): ${say(el)}`);
    }
  }
  if (tag === 'SELECT' && el.selectedIndex >= 0) {
    const need = textWidth(el.options[el.selectedIndex].text, cs) + 20;
    if (need > room(el, cs) + 1) {
      problems.push(`choice cut off (${Math.round(need)}px in ${Math.round(room(el, cs))}px): ${say(el)}`);
    }
  }
  if (el.matches('.sku, .code')) {
    const range = document.createRange();
    range.selectNodeContents(el);
    const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    if (lines.size > 1) problems.push(`a code wraps over ${lines.size} lines: ${say(el)}`);
  }
}
const tops = new Set([...document.querySelectorAll('nav button')].filter(shown).map((b) => Math.round(b.getBoundingClientRect().top)));
if (tops.size > 1) problems.push(`the screen buttons take ${tops.size} rows`);
for (const table of document.querySelectorAll('table')) {
  if (!shown(table) || !table.tHead || !table.tBodies[0]) continue;
  const heads = [...table.tHead.rows[0].cells];
  const row = [...table.tBodies[0].rows].find((r) => r.cells.length === heads.length);
  if (!row) continue;
  heads.forEach((th, i) => {
    const cell = row.cells[i];
    const right = (x) => ['right', 'end'].includes(getComputedStyle(x).textAlign);
    // A header only for screen readers (visually hidden) is not over anything.
    const visible = th.cloneNode(true);
    visible.querySelectorAll('.visually-hidden').forEach((e) => e.remove());
    const seen = visible.textContent.trim() !== '';
    if (shown(th) && seen && right(cell) && !right(th)) {
      problems.push(`header not over its right-aligned numbers: ${say(th)}`);
    }
  });
}
for (const list of document.querySelectorAll('[role="listbox"]')) {
  if (!shown(list)) continue;
  const l = list.getBoundingClientRect();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (list.contains(node) || node.textContent.trim() === '') continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      const x = (Math.max(r.left, l.left) + Math.min(r.right, l.right)) / 2;
      const y = (Math.max(r.top, l.top) + Math.min(r.bottom, l.bottom)) / 2;
      if (x <= l.left || x >= l.right || y <= l.top || y >= l.bottom) continue;
      const top = document.elementFromPoint(x, y);
      if (top && !list.contains(top)) {
        problems.push(`"${node.textContent.trim().slice(0, 40)}" shows through the drop-down list ${say(list)}`);
      }
    }
  }
}
return [...new Set(problems)];
"#;

/// The page (the web view) at `width` × `height`: the window is resized
/// and, should a frame around the page take room, resized again by that.
async fn page_size(c: &Client, width: u32, height: u32) {
    let inner = |c: &Client| {
        let c = c.clone();
        async move {
            let v = c
                .execute("return [window.innerWidth, window.innerHeight];", vec![])
                .await
                .unwrap();
            let v: (i64, i64) = serde_json::from_value(v).unwrap();
            v
        }
    };
    c.set_window_size(width, height).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut adjusted = false;
    loop {
        let (w, h) = inner(c).await;
        if (w, h) == (i64::from(width), i64::from(height)) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the page stays {w} × {h}, not {width} × {height}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        if !adjusted && Instant::now() + Duration::from_secs(8) > deadline {
            let (fw, fh) = (i64::from(width) - w, i64::from(height) - h);
            let w2 = u32::try_from(i64::from(width) + fw).unwrap();
            let h2 = u32::try_from(i64::from(height) + fh).unwrap();
            c.set_window_size(w2, h2).await.unwrap();
            adjusted = true;
        }
    }
}

/// What one look at the window found, by size and state.
struct Fit {
    size: String,
    problems: Vec<String>,
}

impl Fit {
    /// Saves `fit-{size}-{state}.png` and notes what does not fit.
    async fn look(&mut self, c: &Client, state: &str) {
        let shot = screenshot(c, &format!("fit-{}-{state}", self.size)).await;
        let found = c.execute(FIT_CHECK, vec![]).await.unwrap();
        let found: Vec<String> = serde_json::from_value(found).unwrap();
        for p in found {
            self.problems
                .push(format!("{} {state} ({}): {p}", self.size, shot.display()));
        }
    }
}

async fn click(c: &Client, id: &str) {
    find(c, id).await.click().await.unwrap();
}

/// Scrolls the element with the test id into view, for a screenshot of a
/// lower part of a screen.
async fn show(c: &Client, id: &str) {
    show_css(c, &testid(id)).await;
}

async fn show_css(c: &Client, css: &str) {
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'start'});",
        vec![serde_json::json!(css)],
    )
    .await
    .unwrap();
}

/// The shop of `shop` with more of everything: longer names, a category,
/// a sell-by date, a rule and a flash sale, bundles, a kit, referrals with
/// a commission, a member, refunded and rejected events. The screens show
/// what a real shop has.
fn busy_shop(dir: &Path) -> PathBuf {
    use till_core::customers::{CustomerKind, NewCustomer};
    use till_core::pricing::{Condition, Effect, FlashEffect, FlashSaleInput, RuleInput, Scope};
    let db = shop(dir);
    let mut s = Store::open(&db).unwrap();
    for (sku, name, price, category, barcode) in [
        (
            "TEA-GREEN-250",
            "Organic green tea, loose leaf 250 g",
            "7.90",
            "tea",
            "4006381333931",
        ),
        (
            "BRD-SOURDOUGH",
            "Sourdough loaf",
            "4.20",
            "bakery",
            "2000000000107",
        ),
        (
            "GIFT-BOX",
            "Breakfast gift box",
            "6.50",
            "gifts",
            "2000000000114",
        ),
    ] {
        s.add_product(NewProduct {
            sku: sku.into(),
            name: name.into(),
            price: price.parse().unwrap(),
            tax_rate: Some("10".parse().unwrap()),
            category: Some(category.into()),
            barcode: Some(barcode.into()),
            // A kit holds no stock of its own (its components do).
            stock: (sku != "GIFT-BOX").then_some(12),
            sell_by: (sku == "BRD-SOURDOUGH")
                .then(|| chrono::NaiveDate::from_ymd_opt(2099, 12, 31).unwrap()),
            ..Default::default()
        })
        .unwrap();
    }
    s.add_pricing_rule(RuleInput {
        condition: Condition::StockBelow(15),
        effect: Effect::Multiplier("1.1".parse().unwrap()),
        scope: Scope::All,
        hysteresis: 2,
    })
    .unwrap();
    let now = chrono::Utc::now();
    s.create_flash_sale(FlashSaleInput {
        name: "Morning tea rush".into(),
        skus: vec!["TEA-GREEN-250".into()],
        categories: vec!["bakery".into()],
        effect: FlashEffect::Multiplier("0.8".parse().unwrap()),
        starts_at: now - chrono::Duration::minutes(5),
        ends_at: now + chrono::Duration::hours(3),
        weekly: false,
    })
    .unwrap();
    s.create_bundle(till_core::bundles::BundleInput {
        name: "Coffee & muffin".into(),
        items: vec![("COF".into(), 1), ("MUF".into(), 1)],
        ..Default::default()
    })
    .unwrap();
    s.create_bundle(till_core::bundles::BundleInput {
        name: "Tea time".into(),
        items: vec![("TEA-GREEN-250".into(), 1), ("BRD-SOURDOUGH".into(), 2)],
        valid_from: Some(now - chrono::Duration::days(1)),
        valid_until: Some(now + chrono::Duration::days(30)),
        ..Default::default()
    })
    .unwrap();
    s.set_kit("GIFT-BOX", &[("COF".into(), 1), ("MUF".into(), 2)])
        .unwrap();
    let ann = s
        .add_customer(
            CustomerKind::Customer,
            NewCustomer {
                name: "Ann Referrer".into(),
                email: Some("ann.referrer@example.com".into()),
                phone: Some("0612345678".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let bob = s
        .add_customer(
            CustomerKind::Customer,
            NewCustomer {
                name: "Bob Buyer".into(),
                email: Some("bob@example.com".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let code = s.issue_referral_code(&ann.id, None).unwrap().code;
    for _ in 0..3 {
        sell_direct(&mut s, &[("COF", 1), ("MUF", 1)]);
    }
    s.sell(till_core::checkout::SaleRequest {
        lines: [("COF", 2), ("TEA-GREEN-250", 1), ("BRD-SOURDOUGH", 1)]
            .iter()
            .map(|(code, qty)| till_core::checkout::SaleLine {
                code: (*code).into(),
                qty: *qty,
                discount: None,
                price: None,
            })
            .collect(),
        tenders: vec![till_core::checkout::Tender {
            method: till_core::checkout::TenderMethod::Cash,
            amount: "50".parse().unwrap(),
            reference: None,
        }],
        customer_id: Some(bob.id.clone()),
        referral_code: Some(code),
        ..Default::default()
    })
    .unwrap();
    s.install_license(&pro_license("E2E-FIT", "E2E Café"))
        .unwrap();
    s.add_membership_tier(
        "coffee-club",
        "Coffee club",
        "10".parse().unwrap(),
        "4.50".parse().unwrap(),
    )
    .unwrap();
    s.enroll(&bob.id, "coffee-club", None).unwrap();
    // One event the upstream refused: the Sync screen lists it.
    let first = s.pending_events(1).unwrap();
    s.record_delivery(
        &[],
        &[till_wire::Rejection::new(
            first[0].id.clone(),
            till_wire::RejectCode::Other,
            "payload.lines[0].sku: unknown to the upstream",
        )],
    )
    .unwrap();
    db
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn every_screen_fits_the_smallest_and_the_default_window() {
    let dir = tempfile::tempdir().unwrap();
    let db = busy_shop(dir.path());
    in_window(&db, move |c, _db| async move {
        let mut problems = Vec::new();
        for (width, height) in [(900, 600), (1200, 800)] {
            page_size(&c, width, height).await;
            let mut fit = Fit {
                size: format!("{width}x{height}"),
                problems: Vec::new(),
            };

            // Checkout: suggestions over the empty sale, a cart, paying.
            click(&c, "nav-checkout").await;
            find(&c, "scan").await.send_keys("o").await.unwrap();
            c.wait()
                .at_most(Duration::from_secs(15))
                .for_element(Locator::Css("#scan-suggestions"))
                .await
                .unwrap();
            fit.look(&c, "checkout-suggestions").await;
            find(&c, "scan").await.send_keys("\u{E00C}").await.unwrap();
            find(&c, "scan").await.clear().await.unwrap();
            scan(&c, "2*COF").await;
            scan(&c, "TEA-GREEN-250").await;
            scan(&c, "GIFT-BOX").await;
            wait_text(&c, "cart-line", "Coffee").await;
            let lines = || async {
                c.find_all(Locator::Css(&testid("cart-line")))
                    .await
                    .unwrap()
                    .len()
            };
            let deadline = Instant::now() + Duration::from_secs(15);
            while lines().await < 3 {
                assert!(Instant::now() < deadline, "the cart did not fill");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            fit.look(&c, "checkout-cart").await;
            click(&c, "pay").await;
            find(&c, "pay-dialog").await;
            let rect = "return (() => { const r = document.querySelector('[data-testid=\"pay-dialog\"]').getBoundingClientRect(); return [r.top, r.height]; })();";
            fit.look(&c, "checkout-pay").await;
            let paid_in_full = c.execute(rect, vec![]).await.unwrap();
            let cash = find(&c, "cash-amount").await;
            cash.clear().await.unwrap();
            cash.send_keys("100").await.unwrap();
            wait_text(&c, "pay-change", ".").await;
            fit.look(&c, "checkout-pay-change").await;
            let change = c.execute(rect, vec![]).await.unwrap();
            if paid_in_full != change {
                fit.problems.push(format!(
                    "{} the pay dialog moves when the change shows: [top, height] {paid_in_full} then {change}",
                    fit.size
                ));
            }
            click(&c, "complete-payment").await;
            find(&c, "receipt").await;
            fit.look(&c, "checkout-receipt").await;
            click(&c, "new-sale").await;
            find(&c, "scan").await;

            // Products: the edit form, lower down the stock form, a new product.
            click(&c, "nav-products").await;
            let tea = c
                .wait()
                .at_most(Duration::from_secs(15))
                .for_element(Locator::Css(
                    "[data-testid=\"product-row\"][data-sku=\"TEA-GREEN-250\"]",
                ))
                .await
                .unwrap();
            fit.look(&c, "products").await;
            tea.find(Locator::XPath(".//button[normalize-space()='Edit']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            find(&c, "product-name").await;
            fit.look(&c, "products-edit").await;
            show(&c, "stock-save").await;
            fit.look(&c, "products-edit-stock").await;
            click(&c, "product-new").await;
            find(&c, "product-sku").await;
            fit.look(&c, "products-new").await;

            // Orders: an order's receipt, then its refund panel.
            click(&c, "nav-orders").await;
            wait_text(&c, "order-row", ".").await;
            // Its receipt-number button (WebKitWebDriver refuses clicks on
            // table rows).
            find(&c, "order-row")
                .await
                .find(Locator::Css("button.number"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            find(&c, "receipt").await;
            fit.look(&c, "orders-receipt").await;
            show(&c, "refund-all").await;
            fit.look(&c, "orders-refund").await;

            // Stock: a count of every product, low stock, the purchase orders.
            click(&c, "nav-stock").await;
            click(&c, "count-start").await;
            find(&c, "count-lines").await;
            fit.look(&c, "stock-count").await;
            click(&c, "count-close").await;
            click(&c, "stock-tab-low").await;
            find(&c, "low-stock-panel").await;
            fit.look(&c, "stock-low").await;
            click(&c, "stock-tab-purchasing").await;
            find(&c, "purchasing-screen").await;
            fit.look(&c, "stock-purchasing").await;

            // Pricing: the rule form, then the flash sale form.
            click(&c, "nav-pricing").await;
            wait_text(&c, "rule-row", "15").await;
            wait_text(&c, "flash-row", "Morning tea rush").await;
            fit.look(&c, "pricing-rules").await;
            show(&c, "flash-form").await;
            fit.look(&c, "pricing-flash").await;

            // Sync, with a rejected event.
            click(&c, "nav-sync").await;
            wait_text(&c, "dead-letter-row", "unknown").await;
            fit.look(&c, "sync").await;
            show(&c, "dead-letter-row").await;
            fit.look(&c, "sync-rejected").await;

            // Bundles: mining the orders, a bundle form, the kit form.
            click(&c, "nav-bundles").await;
            click(&c, "mine-source-store").await;
            let support = find(&c, "mine-min-support").await;
            support.clear().await.unwrap();
            support.send_keys("0.5").await.unwrap();
            click(&c, "mine-start").await;
            wait_text(&c, "mine-summary", "baskets").await;
            fit.look(&c, "bundles-mined").await;
            show_css(&c, "section[aria-labelledby=\"suggestions-title\"]").await;
            fit.look(&c, "bundles-suggestions").await;
            click(&c, "bundle-new").await;
            find(&c, "bundle-name").await;
            show(&c, "bundle-form").await;
            fit.look(&c, "bundles-form").await;
            show(&c, "kit-form").await;
            fit.look(&c, "bundles-kit").await;

            // Referrals: the program form, a referrer, the payout dialog.
            click(&c, "nav-referrals").await;
            wait_text(&c, "referrer-row", "Ann Referrer").await;
            click(&c, "program-edit").await;
            find(&c, "program-form").await;
            fit.look(&c, "referrals-program").await;
            click(&c, "program-cancel").await;
            find(&c, "referrer-row")
                .await
                .find(Locator::Css("button.name"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_text(&c, "commission-row", ".").await;
            show(&c, "referrer-detail").await;
            fit.look(&c, "referrals-detail").await;
            click(&c, "payout-open").await;
            find(&c, "payout-dialog").await;
            fit.look(&c, "referrals-payout").await;
            click(&c, "payout-cancel").await;

            // Plan: the plan, usage, memberships, the report.
            click(&c, "nav-plan").await;
            wait_text(&c, "plan-tier", "Pro").await;
            fit.look(&c, "plan").await;
            show_css(&c, "#tiers-title").await;
            fit.look(&c, "plan-tiers").await;
            show(&c, "usage-panel").await;
            fit.look(&c, "plan-usage").await;
            show(&c, "membership-panel").await;
            fit.look(&c, "plan-memberships").await;
            show(&c, "report-panel").await;
            fit.look(&c, "plan-report").await;

            // Staff: the shift, the staff list, the audit trail.
            click(&c, "nav-staff").await;
            find(&c, "shift-float").await;
            fit.look(&c, "staff-shift").await;
            click(&c, "tab-staff").await;
            find(&c, "staff-name").await;
            fit.look(&c, "staff-list").await;
            click(&c, "tab-audit").await;
            find(&c, "audit-verify").await;
            fit.look(&c, "staff-audit").await;

            // Settings: the store's settings, backups, history, About.
            click(&c, "nav-settings").await;
            find(&c, "settings-form").await;
            fit.look(&c, "settings").await;
            show(&c, "backups").await;
            find(&c, "backup-row").await;
            fit.look(&c, "settings-backups").await;
            show(&c, "about").await;
            wait_text(&c, "about-store", ".db").await;
            fit.look(&c, "settings-about").await;

            problems.extend(fit.problems);
        }
        assert!(
            problems.is_empty(),
            "{} things do not fit:\n{}",
            problems.len(),
            problems.join("\n")
        );
    })
    .await;
}

/// A German shop: the Orders list and the receipt show the date and time
/// as Germans write them, in the shop's time zone; the Plan screen shows
/// prices with their currency and features by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn dates_money_and_features_read_as_the_shop_expects() {
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    let sold_at = {
        let mut s = Store::open(&db).unwrap();
        s.update_settings(till_core::settings::SettingsUpdate {
            locale: Some("de-DE".into()),
            time_zone: Some("Europe/Berlin".into()),
            ..Default::default()
        })
        .unwrap();
        sell_direct(&mut s, &[("WAT", 2)]);
        s.orders(None, None, None).unwrap()[0].created_at.clone()
    };
    let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    let german = chrono::DateTime::parse_from_rfc3339(&sold_at)
        .unwrap()
        .with_timezone(&berlin)
        .format("%d.%m.%Y, %H:%M")
        .to_string();
    in_window(&db, |c, _| async move {
        find(&c, "nav-orders").await.click().await.unwrap();
        wait_text(&c, "order-time", &german).await;
        c.find(Locator::Css("[data-testid=\"order-row\"] button.number"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, "receipt-time", &german).await;
        screenshot(&c, "locale-orders").await;

        find(&c, "nav-plan").await.click().await.unwrap();
        // "0.00 €" as German places the euro sign (after, with a space).
        let panel = wait_text(&c, "plan-panel", "€ per month").await;
        assert!(panel.contains("0.00"), "{panel}");
        let pro = c
            .find(Locator::Css(
                "[data-testid=\"tier-row\"][data-tier=\"pro\"]",
            ))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(pro.contains("29.00") && pro.contains('€'), "{pro}");
        let flash = c
            .find(Locator::Css(
                "[data-testid=\"plan-feature\"][data-feature=\"flash_sales\"]",
            ))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(flash.trim(), "Flash sales");
        let api = c
            .find(Locator::Css("th.feature[title=\"api_access\"]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(api.trim(), "API access");
        screenshot(&c, "locale-plan").await;
    })
    .await;
}

/// Starts the app on `db` outside WebDriver, as a user would a second time,
/// with the run's home and bus.
fn start_app(db: &Path) -> std::process::Child {
    Command::new(app_binary())
        .arg("--db")
        .arg(db)
        .env_remove("TILL_DB")
        .envs(home().env())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting the app")
}

/// The app's exit status, once it has exited within `within`.
async fn exited(
    app: &mut std::process::Child,
    within: Duration,
) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = app.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Types `text` into the field with the test id, replacing what it held.
async fn type_into(c: &Client, id: &str, text: &str) {
    let field = find(c, id).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// A new owner's first hours in the window, on one app: the set-up of a
/// new store, a setting changed and its record, About, one app per store,
/// and backups.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn a_new_store_is_set_up_changed_and_kept_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    // No store yet: the window creates it and opens on the set-up.
    let db = dir.path().join("new-shop.db");
    in_window(&db, |c, db| async move {
        // Set-up: a wrong answer is refused with the core's words.
        find(&c, "setup").await;
        type_into(&c, "setup-name", "Corner Café").await;
        type_into(&c, "setup-address", "1 Market Street").await;
        type_into(&c, "setup-tax-id", "DE123456789").await;
        type_into(&c, "setup-currency", "EURO").await;
        type_into(&c, "setup-tax-rate", "7").await;
        click(&c, "setup-demo").await;
        screenshot(&c, "setup").await;
        click(&c, "setup-finish").await;
        let said = wait_text(&c, "error", "Currency:").await;
        assert!(said.contains("EURO") && !said.contains("--"), "{said}");
        screenshot(&c, "setup-refused").await;
        assert!(!Store::open(&db).unwrap().settings().setup_done);
        // Corrected, with the demo catalog: the checkout opens and sells it.
        type_into(&c, "setup-currency", "EUR").await;
        click(&c, "setup-finish").await;
        scan(&c, "ESP").await;
        wait_text(&c, "subtotal", "2.20").await;
        screenshot(&c, "setup-done-checkout").await;
        {
            let s = Store::open(&db).unwrap();
            let set = s.settings();
            assert!(set.setup_done);
            assert_eq!(set.store_name, "Corner Café");
            assert_eq!(set.tax_id.as_deref(), Some("DE123456789"));
            assert_eq!(set.default_tax_rate, Some(Decimal::from(7)));
        }

        // Settings: a refused value, then a change saved and recorded.
        click(&c, "nav-settings").await;
        type_into(&c, "settings-backup_keep", "0").await;
        click(&c, "settings-save").await;
        let said = wait_text(&c, "settings-error", "Backups kept:").await;
        assert!(!said.contains("--"), "{said}");
        type_into(&c, "settings-backup_keep", "7").await;
        click(&c, "settings-save").await;
        find(&c, "settings-saved").await;
        let change = c
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(
                "[data-testid=\"settings-change\"][data-key=\"backup_keep\"]",
            ))
            .await
            .unwrap();
        let cell = |id: &'static str| {
            let change = change.clone();
            async move {
                let found = change.find(Locator::Css(&testid(id))).await.unwrap();
                found.text().await.unwrap()
            }
        };
        assert_eq!(cell("change-who").await, "e2e");
        assert_eq!(cell("change-setting").await, "Backups kept");
        assert_eq!(cell("change-old").await, "14");
        assert_eq!(cell("change-new").await, "→ 7");
        assert_eq!(Store::open(&db).unwrap().settings().backup_keep, 7);
        show(&c, "settings-history").await;
        screenshot(&c, "settings-history").await;

        // Backups: one was made at start (none was there), one now.
        let backups = db.with_file_name("backups");
        let listed = |dir: PathBuf| {
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .map(|d| {
                    d.map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
                        .filter(|n| n.starts_with("till-") && n.ends_with(".db"))
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            names
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while listed(backups.clone()).is_empty() {
            assert!(Instant::now() < deadline, "no backup at start");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let at_start = listed(backups.clone());
        assert_eq!(at_start.len(), 1, "{at_start:?}");
        click(&c, "backup-now").await;
        find(&c, "backup-done").await;
        let now = listed(backups.clone());
        assert_eq!(now.len(), 2, "{now:?}");
        let newest = now.iter().max().unwrap().clone();
        let row = format!("[data-testid=\"backup-row\"][data-file=\"{newest}\"]");
        c.wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(&row))
            .await
            .unwrap();
        // Newest first.
        let first = c
            .find(Locator::Css(&testid("backup-row")))
            .await
            .unwrap()
            .attr("data-file")
            .await
            .unwrap();
        assert_eq!(first.as_deref(), Some(newest.as_str()));
        show(&c, "backups").await;
        screenshot(&c, "backups").await;

        // A file that is not a Till backup is refused, and says why. Beside
        // the store on purpose: the dialog lists the store's folder, which
        // must leave the window's locks on the store alone (see files.rs);
        // the sale below, from another process, would otherwise find the
        // store unlocked.
        let junk = db.with_file_name("junk.db");
        std::fs::write(&junk, b"these are not the bytes of a store").unwrap();
        click(&c, "restore-file").await;
        choose_file("Choose a backup to restore", &junk).await;
        let said = wait_text(&c, "backup-error", "junk.db").await;
        screenshot(&c, "backup-refused").await;
        assert!(
            c.find(Locator::Css(&testid("restore-offer")))
                .await
                .is_err(),
            "{said}"
        );

        // A sale after the backup, then the backup restored: the sale is
        // gone from the store, kept in the backup made before the restore.
        sell_direct(&mut Store::open(&db).unwrap(), &[("ESP", 1)]);
        c.find(Locator::Css(&row))
            .await
            .unwrap()
            .find(Locator::Css(&testid("backup-restore")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let offer = wait_text(&c, "restore-offer", &db.display().to_string()).await;
        assert!(
            offer.contains(&newest) && offer.contains("0 orders"),
            "{offer}"
        );
        screenshot(&c, "restore-offer").await;
        click(&c, "restore-confirm").await;
        // The window starts afresh on the restored store: the checkout.
        find(&c, "scan").await;
        {
            let s = Store::open(&db).unwrap();
            let orders = s.orders(None, None, None).unwrap();
            assert!(orders.is_empty(), "{orders:?}");
            assert_eq!(s.settings().store_name, "Corner Café");
        }
        let kept = listed(backups.clone());
        assert!(
            kept.iter().any(|n| n.contains("before-restore")),
            "{kept:?}"
        );
        click(&c, "nav-settings").await;
        let kept_row = c
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(&testid("backup-row")))
            .await
            .unwrap();
        assert!(kept_row
            .attr("data-file")
            .await
            .unwrap()
            .is_some_and(|f| f.contains("before-restore")));
        assert_eq!(
            kept_row
                .find(Locator::Css(&testid("backup-orders")))
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
            "1"
        );

        // About: the version and where the store, logs and backups are.
        wait_text(&c, "about-store", &db.display().to_string()).await;
        let logs = home().dir.join("data/till/logs");
        wait_text(&c, "about-logs", &logs.display().to_string()).await;
        wait_text(&c, "about-backups", &backups.display().to_string()).await;
        wait_text(&c, "about-version", env!("CARGO_PKG_VERSION")).await;
        show(&c, "about").await;
        screenshot(&c, "about").await;
        // The log file has the app's start on this store.
        let logged: String = std::fs::read_dir(&logs)
            .unwrap()
            .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
            .collect();
        assert!(
            logged.contains("store opened") && logged.contains(&db.display().to_string()),
            "{logged}"
        );

        // A second start on this store hands over to the running app and
        // ends at once, its job done; one on another store opens and runs.
        let mut second = start_app(&db);
        let status = exited(&mut second, Duration::from_secs(30)).await;
        assert!(
            status.is_some_and(|s| s.success()),
            "a second app on the same store: {status:?}"
        );
        let other_dir = tempfile::tempdir().unwrap();
        let mut third = start_app(&shop(other_dir.path()));
        let status = exited(&mut third, Duration::from_secs(5)).await;
        let _ = third.kill();
        let _ = third.wait();
        assert!(
            status.is_none(),
            "an app on another store stopped: {status:?}"
        );
        // And the first window is still there, answering.
        click(&c, "nav-checkout").await;
        wait_text(&c, "subtotal", "2.20").await;
    })
    .await;
}

/// Presses keys of the PIN pad with the test id prefix `pad` ("pin",
/// "approval-pin"), one tap each: digits, "back" or "enter".
async fn tap_pin(c: &Client, pad: &str, keys: &[&str]) {
    for key in keys {
        c.find(Locator::Css(&format!(
            "[data-testid=\"{pad}-key\"][data-key=\"{key}\"]"
        )))
        .await
        .unwrap_or_else(|e| panic!("{pad} key {key}: {e}"))
        .click()
        .await
        .unwrap();
    }
}

/// Clicks the element with the test id whose `data-name` is `name`.
async fn click_named(c: &Client, id: &str, name: &str) {
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(&format!(
            "[data-testid=\"{id}\"][data-name=\"{name}\"]"
        )))
        .await
        .unwrap_or_else(|e| panic!("{id} {name}: {e}"))
        .click()
        .await
        .unwrap();
}

/// A shop with staff at the counter: the till opens locked; the cashier
/// signs in on the PIN pad (and the keyboard) and sells; her refund is
/// refused, then made with the manager's PIN, and the audit trail names
/// both; the shift she opened with a float is closed (with the manager's
/// approval) with a count that differs, and the Z report shows the variance.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn staff_sign_in_sell_have_a_refund_approved_and_close_a_shift_short() {
    use till_core::audit::AuditFilter;
    use till_core::roles::Role;
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    {
        let mut s = Store::open(&db).unwrap();
        s.staff_add("Olive", Role::Owner, "1357").unwrap();
        s.sign_in("Olive", "1357").unwrap();
        s.staff_add("Max", Role::Manager, "2468").unwrap();
        s.staff_add("Cara", Role::Cashier, "1234").unwrap();
    }
    in_window(&db, move |c, db| async move {
        // Locked: nothing but the lock screen until someone signs in.
        find(&c, "lock-screen").await;
        assert!(c
            .find_all(Locator::Css(&testid("scan")))
            .await
            .unwrap()
            .is_empty());
        click_named(&c, "lock-name", "Cara").await;
        // A wrong PIN on the pad: the core's words, with the attempts left.
        tap_pin(&c, "pin", &["9", "9", "9", "9", "enter"]).await;
        wait_text(&c, "lock-error", "wrong PIN").await;
        screenshot(&c, "staff-lock-wrong-pin").await;
        // The right one: two digits on the pad, two and Enter on the keyboard.
        tap_pin(&c, "pin", &["1", "2"]).await;
        find(&c, "pin")
            .await
            .send_keys(&format!("34{ENTER}"))
            .await
            .unwrap();
        let who = wait_text(&c, "signed-in", "Cara").await;
        assert!(who.contains("Cashier"), "{who}");

        // The cashier opens the shift with a float of 100.00.
        click(&c, "nav-staff").await;
        type_into(&c, "shift-float", "100.00").await;
        click(&c, "shift-open-button").await;
        wait_text(&c, "report-float", "100.00").await;
        screenshot(&c, "staff-shift-open").await;

        // A sale: 2 coffees, 6.80; 20 % off is above the store's 10 %
        // threshold, so a manager approves it: 5.44 + 10 % tax, paid exactly
        // in cash.
        click(&c, "nav-checkout").await;
        scan(&c, "2*COF").await;
        wait_text(&c, "total", "7.48").await;
        find(&c, "order-discount")
            .await
            .send_keys(&format!("20%{ENTER}"))
            .await
            .unwrap();
        wait_text(&c, "approval-refusal", "discount").await;
        screenshot(&c, "staff-discount-approval").await;
        click_named(&c, "approver", "Max").await;
        tap_pin(&c, "approval-pin", &["2", "4", "6", "8", "enter"]).await;
        wait_text(&c, "total", "5.98").await;
        click(&c, "pay").await;
        find(&c, "pay-dialog").await;
        click(&c, "complete-payment").await;
        find(&c, "receipt").await;
        screenshot(&c, "staff-cashier-sale").await;
        click(&c, "new-sale").await;

        // Her refund needs a manager: refused, then approved with Max's PIN.
        click(&c, "nav-orders").await;
        wait_text(&c, "order-row", "5.98").await;
        find(&c, "order-row")
            .await
            .find(Locator::Css("button.number"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // Below the receipt, out of sight on this window's height.
        show(&c, "refund-all").await;
        click(&c, "refund-all").await;
        let refusal = wait_text(&c, "approval-refusal", "manager").await;
        assert!(refusal.contains("Cara"), "{refusal}");
        click_named(&c, "approver", "Max").await;
        // A wrong PIN keeps the dialog open with the core's words.
        tap_pin(&c, "approval-pin", &["1", "1", "1", "1", "enter"]).await;
        wait_text(&c, "approval-error", "wrong PIN").await;
        screenshot(&c, "staff-approval-wrong-pin").await;
        tap_pin(&c, "approval-pin", &["2", "4", "6", "8", "enter"]).await;
        wait_text(&c, "refund-result", "5.98").await;
        assert!(c
            .find_all(Locator::Css(&testid("approval-dialog")))
            .await
            .unwrap()
            .is_empty());
        screenshot(&c, "staff-refund-approved").await;

        // The shift: float 100.00 + 5.98 sold - 5.98 refunded - 5.00 paid
        // out = 95.00 expected; 93.50 counted. Closing needs a manager too.
        click(&c, "nav-staff").await;
        wait_text(&c, "report-expected", "100.00").await;
        find(&c, "cash-kind")
            .await
            .select_by_value("out")
            .await
            .unwrap();
        type_into(&c, "cash-move-amount", "5.00").await;
        type_into(&c, "cash-reason", "Window cleaner").await;
        click(&c, "cash-move").await;
        wait_text(&c, "report-expected", "95.00").await;
        wait_text(&c, "report-cash-move", "Window cleaner").await;
        type_into(&c, "shift-counted", "93.50").await;
        click(&c, "shift-close").await;
        find(&c, "approval-dialog").await;
        click_named(&c, "approver", "Max").await;
        tap_pin(&c, "approval-pin", &["2", "4", "6", "8", "enter"]).await;
        wait_text(&c, "report-counted", "93.50").await;
        wait_text(&c, "report-variance", "1.50").await;
        let short = find(&c, "report-variance-row")
            .await
            .attr("data-variance")
            .await
            .unwrap();
        assert_eq!(short.as_deref(), Some("short"), "93.50 counted of 95.00");
        screenshot(&c, "staff-shift-closed").await;

        // The owner reads the audit trail: the refund by Cara, approved by Max.
        click(&c, "switch-user").await;
        find(&c, "lock-screen").await;
        click_named(&c, "lock-name", "Olive").await;
        tap_pin(&c, "pin", &["1", "3", "5", "7", "enter"]).await;
        wait_text(&c, "signed-in", "Olive").await;
        click(&c, "nav-staff").await;
        // The owner adds a cashier: two PINs that differ are caught first.
        click(&c, "tab-staff").await;
        type_into(&c, "staff-name", "Dana").await;
        type_into(&c, "staff-pin", "4321").await;
        type_into(&c, "staff-pin-again", "4312").await;
        click(&c, "staff-add").await;
        wait_text(&c, "staff-add-error", "differ").await;
        type_into(&c, "staff-pin-again", "4321").await;
        click(&c, "staff-add").await;
        wait_text(&c, "staff-done", "Added Dana (Cashier)").await;
        let dana = "[data-testid=\"staff-row\"][data-name=\"Dana\"]";
        c.wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(dana))
            .await
            .unwrap()
            .find(Locator::Css(&testid("staff-toggle")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, "staff-done", "Dana is disabled").await;
        let row = c
            .find(Locator::Css(dana))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(row.contains("Disabled"), "{row}");
        screenshot(&c, "staff-list").await;
        click(&c, "tab-audit").await;
        let refund = c
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(
                "[data-testid=\"audit-row\"][data-action=\"refund\"]",
            ))
            .await
            .unwrap();
        let row = refund.text().await.unwrap();
        assert!(row.contains("Cara") && row.contains("Max"), "{row}");
        click(&c, "audit-verify").await;
        let verdict = wait_text(&c, "audit-verdict", "intact").await;
        assert!(verdict.contains("entries"), "{verdict}");
        screenshot(&c, "staff-audit").await;

        // The store holds the same: both names on the refund.
        let mut s = Store::open(&db).unwrap();
        s.sign_in("Olive", "1357").unwrap();
        let refunds = s
            .audit_list(&AuditFilter {
                action: Some("refund".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(refunds.len(), 1, "{refunds:?}");
        assert_eq!(refunds[0].actor.as_deref(), Some("Cara"));
        assert_eq!(refunds[0].approver.as_deref(), Some("Max"));
        let closes = s
            .audit_list(&AuditFilter {
                action: Some("shift.close".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(closes.len(), 1, "{closes:?}");
        assert_eq!(closes[0].actor.as_deref(), Some("Cara"));
        assert_eq!(closes[0].approver.as_deref(), Some("Max"));
        let shift = &s.shifts().unwrap()[0];
        assert_eq!(shift.counted, Some("93.50".parse().unwrap()));
        let z = s.shift_report(&shift.id).unwrap();
        assert_eq!(z.variance, Some("-1.50".parse().unwrap()));
        assert!(s.audit_verify().unwrap().ok);
    })
    .await;
}

/// Receives what each printer connection of the test sends, until the app
/// closes it: a receipt printer on a TCP port of the test's own.
fn printer_listener() -> (u16, std::sync::mpsc::Receiver<Vec<u8>>) {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            let mut bytes = Vec::new();
            let _ = conn.read_to_end(&mut bytes);
            if tx.send(bytes).is_err() {
                return;
            }
        }
    });
    (port, rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn a_cash_sale_prints_its_receipt_kicks_the_drawer_and_its_number_opens_the_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    let (port, printed) = printer_listener();
    set_up_printer(&db, &format!("tcp:127.0.0.1:{port}"));
    in_window(&db, move |c, _db| async move {
        scan(&c, "COF").await;
        wait_text(&c, "subtotal", "3.40").await;
        click(&c, "pay").await;
        find(&c, "pay-dialog").await;
        // Auto-print is on: the dialog offers the printed receipt first.
        let print = find(&c, "receipt-choice-print").await;
        assert_eq!(
            print.prop("checked").await.unwrap().as_deref(),
            Some("true")
        );
        type_into(&c, "cash-amount", "5").await;
        screenshot(&c, "pay-dialog-receipt-choice").await;
        click(&c, "complete-payment").await;
        let number = find(&c, "receipt-number").await.text().await.unwrap();
        let number = number.trim().to_string();

        // The receipt reaches the printer, with the drawer's pulse.
        let bytes = tokio::task::spawn_blocking(move || {
            printed
                .recv_timeout(Duration::from_secs(30))
                .expect("the receipt reaches the printer")
        })
        .await
        .unwrap();
        assert!(
            bytes.windows(2).any(|w| w == b"\x1bp"),
            "no drawer kick (ESC p) in {} bytes",
            bytes.len()
        );
        assert!(
            bytes.windows(number.len()).any(|w| w == number.as_bytes()),
            "receipt {number} not in the printed bytes"
        );

        // Its number, scanned in the Orders screen, opens the order.
        click(&c, "new-sale").await;
        click(&c, "nav-orders").await;
        find(&c, "orders-search")
            .await
            .send_keys(&format!("{number}{ENTER}"))
            .await
            .unwrap();
        wait_text(&c, "receipt-number", &number).await;
        find(&c, "refund-all").await;
        screenshot(&c, "orders-scanned-receipt").await;

        // The receipt's QR code scanned at the checkout opens it too.
        click(&c, "nav-checkout").await;
        scan(&c, &format!("till:order:{number}")).await;
        find(&c, "orders-search").await;
        wait_text(&c, "receipt-number", &number).await;
        find(&c, "refund-all").await;

        // The Settings screen's printer panel shows the printer.
        click(&c, "nav-settings").await;
        let to = find(&c, "printer-to").await;
        assert_eq!(
            to.prop("value").await.unwrap().as_deref(),
            Some(format!("tcp:127.0.0.1:{port}").as_str())
        );
        show(&c, "printer-panel").await;
        screenshot(&c, "settings-printer").await;
    })
    .await;
}

/// The shop's receipt printer at `to`, printing after each sale and
/// opening the drawer after a cash sale: set as the Settings screen does.
fn set_up_printer(db: &Path, to: &str) {
    let mut s = Store::open(db).unwrap();
    let form = till_core::forms::SettingsForm {
        printer_to: Some(to.into()),
        drawer_kick: Some(true),
        auto_print: Some(true),
        ..Default::default()
    };
    s.update_settings(form.update().unwrap()).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn a_printer_that_is_off_never_holds_the_sale_and_its_job_is_retried_from_the_badge() {
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    // A port nobody listens on yet: the printer is off.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    set_up_printer(&db, &format!("tcp:127.0.0.1:{port}"));
    in_window(&db, move |c, _db| async move {
        scan(&c, "WAT").await;
        wait_text(&c, "subtotal", "1.50").await;
        click(&c, "pay").await;
        type_into(&c, "cash-amount", "2").await;
        click(&c, "complete-payment").await;
        // The sale is complete all the same.
        let number = find(&c, "receipt-number").await.text().await.unwrap();
        // The failed job shows in the status bar, and its queue.
        wait_text(&c, "queue-badge", "1 print job").await;
        click(&c, "queue-badge").await;
        wait_text(&c, "queue-job", number.trim()).await;
        screenshot(&c, "queue-dialog").await;
        // The printer is back: Retry prints it, and the badge goes.
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        let printed = std::thread::spawn(move || {
            use std::io::Read;
            let (mut conn, _) = listener.accept().unwrap();
            let mut bytes = Vec::new();
            conn.read_to_end(&mut bytes).unwrap();
            bytes
        });
        click(&c, "queue-retry").await;
        let bytes = tokio::task::spawn_blocking(move || printed.join().unwrap())
            .await
            .unwrap();
        let number = number.trim().to_string();
        assert!(
            bytes.windows(number.len()).any(|w| w == number.as_bytes()),
            "receipt {number} not in the printed bytes"
        );
        let deadline = Instant::now() + Duration::from_secs(15);
        while c.find(Locator::Css(&testid("queue-badge"))).await.is_ok() {
            assert!(Instant::now() < deadline, "the badge stayed");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
}

/// Counts the pixels of the sales chart's canvas drawn in the app's green
/// (the current period's bars), read back with `getImageData`.
const GREEN_PIXELS: &str = r#"
const canvas = document.querySelector('[data-testid="sales-chart"]');
if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
let n = 0;
for (let i = 0; i < d.length; i += 4) {
  if (Math.abs(d[i] - 22) < 8 && Math.abs(d[i + 1] - 120) < 8 && Math.abs(d[i + 2] - 90) < 8 && d[i + 3] > 200) n++;
}
return n;
"#;

/// Waits until the sales chart's canvas shows bars (more than `min` green
/// pixels).
async fn chart_drawn(c: &Client, min: i64) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let n = c.execute(GREEN_PIXELS, vec![]).await.unwrap();
        if n.as_i64().unwrap_or(0) > min {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the sales chart drew no bars ({n} green pixels; screenshot {})",
            screenshot(c, "failed-reports").await.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How many elements with the test id are on the page, once there are at least `want`.
async fn count_at_least(c: &Client, id: &str, want: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let n = c.find_all(Locator::Css(&testid(id))).await.unwrap().len();
        if n >= want {
            return n;
        }
        assert!(
            Instant::now() < deadline,
            "{id}: {n} on the page, wanted {want} (screenshot {})",
            screenshot(c, &format!("failed-{id}")).await.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn the_reports_screen_shows_last_weeks_figures_against_the_week_before_with_a_chart() {
    use till_core::reports::{Compare, SalesBy};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    // The demo café: four weeks of history up to now, on the free plan
    // (no advanced reporting) to begin with.
    let (mut s, _) = till_core::demo::create(
        &db,
        Settings {
            store_name: "E2E Café".into(),
            ..Settings::default()
        },
        &till_core::demo::DemoOptions {
            seed: till_core::demo::DEFAULT_SEED,
            now: chrono::Utc::now(),
            license: None,
        },
    )
    .unwrap();
    let (from, to) = s.report_preset("last-week").unwrap();
    let want = s
        .sales_report(from, to, SalesBy::Day, Some(Compare::Previous))
        .unwrap();
    let tax = s.tax_report(from, to).unwrap();
    drop(s);
    assert!(want.totals.orders > 0, "the demo sold last week");
    assert!(!tax.rates.is_empty(), "the demo's sales were taxed");
    let net = want.totals.net.to_string();
    let orders = want.totals.orders.to_string();

    in_window(&db, move |c, db| async move {
        page_size(&c, 1280, 900).await;
        // F11 opens the Reports screen from the checkout.
        find(&c, "scan").await.send_keys("\u{E03B}").await.unwrap();
        find(&c, "reports-screen").await;
        click(&c, "period-last-week").await;
        let compare = find(&c, "report-compare").await;
        assert_eq!(
            compare.prop("value").await.unwrap().as_deref(),
            Some("previous")
        );

        // The headline is the core's figure for the same period, exactly.
        wait_text(&c, "headline-orders-value", &orders).await;
        let shown = wait_text(&c, "headline-net-value", &net).await;
        assert_eq!(shown.trim(), net, "headline net");
        if want.change.as_ref().is_some_and(|ch| ch.net.is_some()) {
            find(&c, "headline-net-change").await;
        }
        // Sales by day and tax are in every plan: the chart is drawn (bars
        // in the app's green on its canvas) and the tax table has the rates.
        chart_drawn(&c, 200).await;
        find(&c, "tax-row").await;
        // The rest says the plan lacks it, each in its place: top products,
        // categories, tenders, the heatmap and the playbooks.
        count_at_least(&c, "gated-notice", 5).await;
        screenshot(&c, "reports-free-plan").await;

        // With a plan that has advanced reporting, the same period in full.
        let plays = {
            let mut s = Store::open(&db).unwrap();
            s.install_license(&pro_license("E2E-REPORTS", "E2E Café"))
                .unwrap();
            s.playbooks_report(from, to).unwrap()
        };
        click(&c, "period-this-week").await;
        click(&c, "period-last-week").await;
        find(&c, "top-products-row").await;
        find(&c, "top-categories-row").await;
        find(&c, "tender-split-row").await;
        find(&c, "heat-cell").await;
        // The playbooks: dynamic pricing, the referral programme and the
        // memberships, and a card per flash sale and bundle the core names.
        find(&c, "playbook-pricing").await;
        find(&c, "playbook-referrals").await;
        for (card, want) in [
            ("playbook-flash", plays.flash_sales.len()),
            ("playbook-bundle", plays.bundles.len()),
        ] {
            let cards = c.find_all(Locator::Css(&testid(card))).await.unwrap();
            assert_eq!(cards.len(), want, "{card} cards");
        }
        assert_eq!(
            c.find_all(Locator::Css(&testid("gated-notice")))
                .await
                .unwrap()
                .len(),
            0
        );
        wait_text(&c, "headline-net-value", &net).await;
        chart_drawn(&c, 200).await;
        screenshot(&c, "reports").await;

        show(&c, "heatmap-panel").await;
        screenshot(&c, "reports-tables").await;
        show(&c, "playbooks-panel").await;
        screenshot(&c, "reports-playbooks").await;

        // The shown sales report saved as CSV where the user says.
        show(&c, "reports-screen").await;
        let csv = db.with_file_name("last week.csv");
        click(&c, "export-sales-csv").await;
        save_file_as("Save the report", &csv).await;
        wait_text(&c, "export-sales-saved", "last week.csv").await;
        let text = std::fs::read_to_string(&csv).unwrap();
        assert!(text.contains(&net), "the CSV has the net {net}:\n{text}");

        // It fits the smallest and the default window, top to bottom.
        let mut problems = Vec::new();
        for (width, height) in [(900, 600), (1200, 800)] {
            page_size(&c, width, height).await;
            let mut fit = Fit {
                size: format!("{width}x{height}"),
                problems: Vec::new(),
            };
            show(&c, "reports-screen").await;
            fit.look(&c, "reports").await;
            show(&c, "heatmap-panel").await;
            fit.look(&c, "reports-tables").await;
            show(&c, "playbooks-panel").await;
            fit.look(&c, "reports-playbooks").await;
            problems.extend(fit.problems);
        }
        assert!(
            problems.is_empty(),
            "{} things do not fit:\n{}",
            problems.len(),
            problems.join("\n")
        );

        // One day is shown by hour.
        show(&c, "reports-screen").await;
        click(&c, "period-today").await;
        wait_text(&c, "chart-title", "by hour").await;
        chart_drawn(&c, 20).await;
        screenshot(&c, "reports-today").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn a_purchase_order_is_received_in_the_window_in_two_deliveries() {
    use till_core::catalog::ProductUpdate;
    use till_core::purchasing::PoLineInput;
    use till_core::suppliers::SupplierInput;
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    {
        let mut s = Store::open(&db).unwrap();
        s.supplier_add(SupplierInput {
            name: "Bean Co".into(),
            email: Some("orders@bean.example".into()),
            ..Default::default()
        })
        .unwrap();
        // 20 coffees on hand at 3.00; the muffins have no cost yet.
        s.update_product(
            "COF",
            ProductUpdate {
                cost: Some(Some("3.00".parse().unwrap())),
                ..Default::default()
            },
        )
        .unwrap();
        let line = |sku: &str, qty: i64, cost: &str| PoLineInput {
            sku: sku.into(),
            qty,
            unit_cost: cost.parse().unwrap(),
        };
        let po = s
            .po_create(
                "Bean Co",
                &[line("COF", 10, "2.40"), line("MUF", 6, "1.25")],
                Some("before the weekend"),
            )
            .unwrap();
        s.po_send(po.id).unwrap();
    }

    in_window(&db, move |c, db| async move {
        page_size(&c, 1280, 900).await;
        // Purchase orders are a tab of the Stock screen.
        click(&c, "nav-stock").await;
        click(&c, "stock-tab-purchasing").await;
        find(&c, "purchasing-screen").await;
        wait_text(&c, "po-row-status", "Sent").await;
        click(&c, "po-open-PO-0001").await;
        wait_text(&c, "po-status", "Sent").await;
        // The receive quantities start at what is outstanding.
        let qty = c
            .find_all(Locator::Css(&testid("po-receive-qty")))
            .await
            .unwrap();
        assert_eq!(qty.len(), 2);
        assert_eq!(qty[0].prop("value").await.unwrap().as_deref(), Some("10"));
        assert_eq!(qty[1].prop("value").await.unwrap().as_deref(), Some("6"));
        // The first delivery: all the coffee, 4 of the 6 muffins.
        qty[1].clear().await.unwrap();
        qty[1].send_keys("4").await.unwrap();
        click(&c, "po-receive").await;
        wait_text(&c, "po-status", "Partly received").await;
        wait_text(&c, "po-done", "received").await;
        screenshot(&c, "purchasing-partly-received").await;

        // The second: the 2 muffins left, prefilled.
        let qty = c
            .find_all(Locator::Css(&testid("po-receive-qty")))
            .await
            .unwrap();
        assert_eq!(qty[0].prop("value").await.unwrap().as_deref(), Some("0"));
        assert_eq!(qty[1].prop("value").await.unwrap().as_deref(), Some("2"));
        click(&c, "po-receive").await;
        wait_text(&c, "po-status", "Received").await;
        wait_text(&c, "po-row-status", "Received").await;
        assert!(
            c.find_all(Locator::Css(&testid("po-receive")))
                .await
                .unwrap()
                .is_empty(),
            "a received PO takes nothing more"
        );
        screenshot(&c, "purchasing-received").await;

        // The PO as a CSV for the supplier, where the user says.
        let csv = db.with_file_name("PO-0001.csv");
        click(&c, "po-export-csv").await;
        save_file_as("Save the purchase order", &csv).await;
        wait_text(&c, "po-done", "PO-0001.csv").await;
        let text = std::fs::read_to_string(&csv).unwrap();
        assert!(
            text.contains("PO-0001") && text.contains("COF") && text.contains("24.00"),
            "{text}"
        );

        // And as a PDF: the shop, the supplier, the lines and the total.
        let pdf = db.with_file_name("PO-0001.pdf");
        click(&c, "po-export-pdf").await;
        save_file_as("Save the purchase order", &pdf).await;
        wait_text(&c, "po-done", "PO-0001.pdf").await;
        let out = Command::new("pdftotext")
            .arg("-layout")
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils)");
        let text = String::from_utf8_lossy(&out.stdout);
        for want in [
            "E2E Caf",
            "PO-0001",
            "To Bean Co",
            "Blueberry muffin",
            "31.50",
        ] {
            assert!(text.contains(want), "{want:?} in\n{text}");
        }

        // A new PO from the form: a blank cost would be the product's;
        // water has none, so it is given.
        click(&c, "po-new").await;
        find(&c, "po-supplier")
            .await
            .select_by_value("Bean Co")
            .await
            .unwrap();
        let skus = c
            .find_all(Locator::Css(&testid("po-line-sku")))
            .await
            .unwrap();
        let qtys = c
            .find_all(Locator::Css(&testid("po-line-qty")))
            .await
            .unwrap();
        let costs = c
            .find_all(Locator::Css(&testid("po-line-cost")))
            .await
            .unwrap();
        skus[0].send_keys("WAT").await.unwrap();
        qtys[0].send_keys("24").await.unwrap();
        click(&c, "po-create-save").await;
        wait_text(&c, "po-create-error", "item 1 (WAT)").await;
        costs[0].send_keys("0.40").await.unwrap();
        screenshot(&c, "purchasing-new-po").await;
        click(&c, "po-create-save").await;
        wait_text(&c, "po-status", "Draft").await;
        wait_text(&c, "po-total", "9.60").await;
        screenshot(&c, "purchasing-draft").await;

        // It fits the smallest and the default window: a PO's page with the
        // receive column, and the new PO form.
        let mut problems = Vec::new();
        for (width, height) in [(900, 600), (1200, 800)] {
            page_size(&c, width, height).await;
            let mut fit = Fit {
                size: format!("{width}x{height}"),
                problems: Vec::new(),
            };
            click(&c, "po-open-PO-0002").await;
            find(&c, "po-receive-qty").await;
            fit.look(&c, "purchasing-po").await;
            click(&c, "po-new").await;
            find(&c, "po-line-sku").await;
            fit.look(&c, "purchasing-new-po").await;
            problems.extend(fit.problems);
        }
        assert!(
            problems.is_empty(),
            "{} things do not fit:\n{}",
            problems.len(),
            problems.join("\n")
        );
        page_size(&c, 1280, 900).await;

        // The products screen shows the new stock.
        click(&c, "nav-products").await;
        let coffee = c
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(
                "[data-testid=\"product-row\"][data-sku=\"COF\"]",
            ))
            .await
            .unwrap();
        let row = coffee.text().await.unwrap();
        assert!(row.contains("30"), "{row}");

        // The product form names the supplier and when to reorder.
        coffee
            .find(Locator::XPath(".//button[normalize-space()='Edit']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        find(&c, "product-supplier")
            .await
            .send_keys("Bean Co")
            .await
            .unwrap();
        find(&c, "product-supplier-sku")
            .await
            .send_keys("BC-7")
            .await
            .unwrap();
        find(&c, "product-reorder-point")
            .await
            .send_keys("8")
            .await
            .unwrap();
        find(&c, "product-reorder-qty")
            .await
            .send_keys("24")
            .await
            .unwrap();
        show(&c, "product-supplier").await;
        screenshot(&c, "purchasing-product-form").await;
        click(&c, "product-save").await;
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let p = Store::open(&db).unwrap().product("COF").unwrap();
            if p.supplier.is_some() {
                assert_eq!(p.supplier.as_deref(), Some("Bean Co"));
                assert_eq!(p.supplier_sku.as_deref(), Some("BC-7"));
                assert_eq!((p.reorder_point, p.reorder_qty), (Some(8), Some(24)));
                break;
            }
            assert!(Instant::now() < deadline, "the product form did not save");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // Stock and cost as the weighted average: coffee (20 x 3.00 + 10 x
        // 2.40) / 30 = 2.80; the muffins had no cost: 1.25.
        let s = Store::open(&db).unwrap();
        let cof = s.product("COF").unwrap();
        assert_eq!((cof.on_hand, cof.cost), (30, Some("2.80".parse().unwrap())));
        let muf = s.product("MUF").unwrap();
        assert_eq!((muf.on_hand, muf.cost), (16, Some("1.25".parse().unwrap())));
        drop(s);

        // A supplier's details change in the same form that adds one.
        click(&c, "nav-stock").await;
        click(&c, "stock-tab-purchasing").await;
        click(&c, "supplier-edit").await;
        let lead = find(&c, "supplier-lead-days").await;
        lead.clear().await.unwrap();
        lead.send_keys("4").await.unwrap();
        click(&c, "supplier-add").await;
        wait_text(&c, "supplier-row", "4").await;
        assert_eq!(
            Store::open(&db)
                .unwrap()
                .supplier("Bean Co")
                .unwrap()
                .lead_days,
            4
        );
    })
    .await;
}

/// A stock count in the window: started on the Stock screen, one product
/// scanned three times (once by its barcode), another's quantity typed,
/// the variances at cost, the commit and the on-hand it leaves; the nav's
/// low-stock badge, and a purchase order from the low-stock suggestions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn a_count_is_scanned_typed_and_committed_and_low_stock_makes_a_po() {
    use till_core::catalog::ProductUpdate;
    use till_core::suppliers::SupplierInput;
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    {
        let mut s = Store::open(&db).unwrap();
        s.supplier_add(SupplierInput {
            name: "Springs".into(),
            ..Default::default()
        })
        .unwrap();
        for (sku, cost) in [("COF", "1.20"), ("MUF", "0.80"), ("WAT", "0.50")] {
            s.update_product(
                sku,
                ProductUpdate {
                    cost: Some(Some(cost.parse().unwrap())),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        // 30 water on hand, reordered at 40: low.
        s.update_product(
            "WAT",
            ProductUpdate {
                supplier: Some(Some("Springs".into())),
                reorder_point: Some(Some(40)),
                ..Default::default()
            },
        )
        .unwrap();
    }
    in_window(&db, move |c, db| async move {
        // One product at or below its reorder point.
        wait_text(&c, "low-stock-badge", "1").await;
        click(&c, "nav-stock").await;
        click(&c, "count-start").await;
        wait_text(&c, "count-status", "open").await;

        // Three muffins on the shelf: each scan adds one.
        for code in ["MUF", "2000000000091", "MUF"] {
            find(&c, "count-scan")
                .await
                .send_keys(&format!("{code}{ENTER}"))
                .await
                .unwrap();
            // The box is emptied once the scan is counted.
            let deadline = Instant::now() + Duration::from_secs(15);
            while find(&c, "count-scan").await.prop("value").await.unwrap() != Some(String::new()) {
                assert!(
                    Instant::now() < deadline,
                    "the scan of {code} was not counted"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        wait_text(&c, "count-variance-MUF", "−7").await;
        // 10 expected, 3 counted at 0.80: 5.60 short (the sign beside the amount).
        wait_text(&c, "count-value-MUF", "5.60").await;
        wait_text(&c, "count-line-MUF", "−€5.60").await;
        wait_text(&c, "count-expected-MUF", "10").await;

        // 22 coffees typed: two more than the 20 expected, 2.40 at cost.
        type_into(&c, "count-qty-COF", &format!("22{ENTER}")).await;
        wait_text(&c, "count-variance-COF", "+2").await;
        wait_text(&c, "count-value-COF", "2.40").await;
        wait_text(&c, "count-totals", "2 of 3 counted").await;
        wait_text(&c, "count-value-over", "2.40").await;
        wait_text(&c, "count-value-under", "5.60").await;
        let shot = screenshot(&c, "stock-count").await;
        println!("screenshot: {}", shot.display());

        click(&c, "count-commit").await;
        wait_text(&c, "count-status", "committed").await;
        wait_text(&c, "count-onhand-COF", "22").await;
        wait_text(&c, "count-onhand-MUF", "3").await;
        // Water was not counted: left as it was.
        wait_text(&c, "count-onhand-WAT", "30").await;
        let shot = screenshot(&c, "stock-count-committed").await;
        println!("screenshot: {}", shot.display());

        // Low stock: water, nothing sold, 11 to order from Springs (one
        // above its point of 40).
        click(&c, "stock-tab-low").await;
        wait_text(&c, "low-suggested-WAT", "11").await;
        click(&c, "low-create-po-Springs").await;
        wait_text(&c, "low-done", "PO-0001 to Springs").await;
        wait_text(&c, "low-suggested-WAT", "0").await;
        wait_text(&c, "low-stock-badge", "1").await;
        let shot = screenshot(&c, "stock-low").await;
        println!("screenshot: {}", shot.display());

        let s = Store::open(&db).unwrap();
        assert_eq!(s.stock("COF").unwrap().on_hand, 22);
        assert_eq!(s.stock("MUF").unwrap().on_hand, 3);
        let kinds: Vec<_> = s
            .movements("MUF")
            .unwrap()
            .iter()
            .map(|m| (m.kind, m.qty))
            .collect();
        assert_eq!(
            kinds.last(),
            Some(&(till_core::inventory::MovementKind::Count, -7))
        );
        assert_eq!(s.po(1).unwrap().lines[0].qty, 11);
    })
    .await;
}

/// Shopify's published template followed by `extra` generated variants:
/// big enough that the dry run and the import show their progress.
fn shopify_file_with(dir: &Path, name: &str, extra: usize) -> PathBuf {
    let template =
        std::fs::read_to_string(root().join("tests/data/shopify/product_template.csv")).unwrap();
    let mut text = template;
    for i in 0..extra {
        let first = i % 4 == 0;
        let p = i / 4;
        text.push_str(&format!(
            "bulk-{p},{},,,,Bulk,,,{},{},,,,,BULK-{i:05},,,{},,,{}.50,,,TRUE,,,,,,,,,,,,,,,,,,,,,,,,{}\r\n",
            if first { format!("Bulk item {p}") } else { String::new() },
            if first { "Size" } else { "" },
            ["S", "M", "L", "XL"][i % 4],
            i % 9,
            1 + i % 40,
            if first { "active" } else { "" },
        ));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn a_shopify_catalog_is_previewed_with_progress_and_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    let file = shopify_file_with(dir.path(), "shopify-products.csv", 30_000);
    // Long enough that Cancel is pressed while it runs, however fast the
    // machine: its dry run takes seconds.
    let big = shopify_file_with(dir.path(), "big.csv", 200_000);
    in_window(&db, move |c, db| async move {
        find(&c, "nav-products").await.click().await.unwrap();
        wait_text(&c, "product-row", "COF").await;
        find(&c, "product-import").await.click().await.unwrap();
        find(&c, "import-dialog").await;
        find(&c, "import-choose").await.click().await.unwrap();
        choose_file("Choose a product CSV file", &big).await;
        wait_text(&c, "import-progress", "rows").await;
        screenshot(&c, "import-progress").await;
        find(&c, "import-cancel").await.click().await.unwrap();
        wait_text(&c, "import-status", "Cancelled").await;
        screenshot(&c, "import-cancelled").await;
        assert_eq!(
            Store::open(&db)
                .unwrap()
                .products(None, true)
                .unwrap()
                .len(),
            3
        );
        // The dry run may be over before a poll sees its progress bar: the
        // page records every state the bar shows.
        c.execute(
            "window.__importProgress = [];
             new MutationObserver(() => {
               const bar = document.querySelector('[data-testid=\"import-progress\"]');
               if (bar) window.__importProgress.push(bar.textContent);
             }).observe(document.body, { subtree: true, childList: true, characterData: true });",
            vec![],
        )
        .await
        .unwrap();
        find(&c, "import-choose").await.click().await.unwrap();
        choose_file("Choose a product CSV file", &file).await;
        // The preview: counts, and the first rows with the template's names.
        wait_text(&c, "import-summary", "30016 new").await;
        wait_text(&c, "import-summary", "dry run").await;
        // The dry run's progress bar said how far it was, on its way.
        let seen = c
            .execute("return window.__importProgress;", vec![])
            .await
            .unwrap();
        let seen: Vec<String> = serde_json::from_value(seen).unwrap();
        // "Checking 5,000 of 30,016 rows", in the store's locale's digits.
        let checked = |t: &str| -> Option<(u64, u64)> {
            let words = t.split("Checking ").nth(1)?.split(" rows").next()?;
            let (done, total) = words.split_once(" of ")?;
            let number = |x: &str| {
                x.chars()
                    .filter(char::is_ascii_digit)
                    .collect::<String>()
                    .parse::<u64>()
                    .ok()
            };
            Some((number(done)?, number(total)?))
        };
        assert!(
            seen.iter()
                .filter_map(|t| checked(t))
                .any(|(done, total)| total >= 30_000 && done < total),
            "the progress bar never showed part of the rows checked: {seen:?}"
        );
        wait_text(&c, "import-preview", "Example T-Shirt / Green / S").await;
        screenshot(&c, "import-preview").await;
        assert_eq!(
            Store::open(&db)
                .unwrap()
                .products(None, true)
                .unwrap()
                .len(),
            3,
            "a dry run writes nothing"
        );
        find(&c, "import-commit").await.click().await.unwrap();
        wait_text(&c, "import-summary", "imported").await;
        screenshot(&c, "import-done").await;
        let preview = find(&c, "import-preview").await;
        assert_eq!(
            preview.attr("data-committed").await.unwrap().as_deref(),
            Some("true")
        );
        // Closed, the list shows the new products.
        c.active_element()
            .await
            .unwrap()
            .send_keys("\u{E00C}")
            .await
            .unwrap();
        let search = find(&c, "product-search").await;
        search.send_keys("Example T-Shirt").await.unwrap();
        wait_text(&c, "product-row", "Example T-Shirt / Green / S").await;
        // The shirt's 12 variants (the others are drafts or archived).
        assert_eq!(count_at_least(&c, "product-row", 12).await, 12);
        screenshot(&c, "import-products-listed").await;
        let s = Store::open(&db).unwrap();
        assert_eq!(s.products(None, true).unwrap().len(), 3 + 30_016);
        assert_eq!(s.product("PNT_DEN_285").unwrap().on_hand, 20);
    })
    .await;
}
