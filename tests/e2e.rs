//! End-to-end in a real window: the built desktop app under Xvfb, driven
//! through `tauri-driver` and WebKitWebDriver.
//!
//! Needs a display (run under `xvfb-run`), `tauri-driver` on PATH and the
//! app built with the embedded UI (`--features tauri/custom-protocol`).
//! `scripts/test.sh` does all of that; a plain `cargo test` skips it.
//! Screenshots go to `target/e2e/`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
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

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// tauri-driver for one test; killed on drop so no session outlives the test.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(db: &Path) -> Driver {
        let port = free_port();
        let native = free_port();
        // Its own process group, so dropping the driver also ends the
        // WebKitWebDriver it starts (which would otherwise outlive the test
        // and hold the test's output open).
        use std::os::unix::process::CommandExt;
        let child =
            Command::new(std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()))
                .process_group(0)
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native.to_string(),
                ])
                .env("TILL_DB", db)
                .env("TILL_USER", "e2e")
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("tauri-driver not found: cargo install tauri-driver --locked");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn connect(driver: &Driver) -> Client {
    let app = app_binary();
    assert!(
        app.exists(),
        "build the app first: {} is missing",
        app.display()
    );
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), serde_json::json!("wry"));
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("WebDriver session")
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
    let driver = Driver::start(&db);
    let c = connect(&driver).await;

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
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn a_flash_sale_starting_while_the_checkout_is_open_shows_its_badge() {
    use till_core::pricing::{FlashEffect, FlashSaleInput};
    let dir = tempfile::tempdir().unwrap();
    let db = shop(dir.path());
    let driver = Driver::start(&db);
    let c = connect(&driver).await;
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
    c.close().await.unwrap();
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
    let driver = Driver::start(&db);
    let c = connect(&driver).await;

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
    c.close().await.unwrap();
}

fn sell_direct(s: &mut Store, items: &[(&str, i64)]) {
    s.sell(till_core::checkout::SaleRequest {
        lines: items
            .iter()
            .map(|(code, qty)| till_core::checkout::SaleLine {
                code: (*code).into(),
                qty: *qty,
                discount: None,
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
    let driver = Driver::start(&db);
    let c = connect(&driver).await;

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
    c.close().await.unwrap();
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
    let driver = Driver::start(&db);
    let c = connect(&driver).await;
    find(&c, "nav-bundles").await.click().await.unwrap();

    // A large basket file at a low threshold: long enough to cancel.
    let retail = root().join("tests/data/retail.dat");
    assert!(retail.exists(), "{} is missing", retail.display());
    let file = c
        .find(Locator::Css("[data-testid=\"mine-source-file\"]"))
        .await
        .unwrap();
    file.click().await.unwrap();
    let path = find(&c, "mine-path").await;
    path.send_keys(&retail.display().to_string()).await.unwrap();
    let support = find(&c, "mine-min-support").await;
    support.clear().await.unwrap();
    support.send_keys("0.0002").await.unwrap();
    let max_len = find(&c, "mine-max-len").await;
    max_len.clear().await.unwrap();
    find(&c, "mine-start").await.click().await.unwrap();
    find(&c, "mine-progress").await;
    screenshot(&c, "bundles-mining").await;
    find(&c, "mine-cancel").await.click().await.unwrap();
    wait_text(&c, "mine-status", "Cancelled").await;

    // The shop's own orders: coffee and muffin go together.
    c.find(Locator::Css("[data-testid=\"mine-source-store\"]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
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
    c.close().await.unwrap();
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
    let driver = Driver::start(&db);
    let c = connect(&driver).await;

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
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and a built app; run by scripts/test.sh"]
async fn the_plan_screen_gates_upgrades_and_the_member_price_reaches_the_checkout() {
    use till_core::customers::{CustomerKind, NewCustomer};
    use till_core::plans::license::{self, LicensePayload};
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
    // A pro license signed with the test key (trusted by debug builds).
    let seed = std::fs::read_to_string(root().join("tests/support/license-test-key")).unwrap();
    let lic = dir.path().join("pro-license.json");
    std::fs::write(
        &lic,
        license::sign(
            &LicensePayload {
                license_id: "E2E-1".into(),
                issued_to: "E2E Café".into(),
                store_id: None,
                tier: "pro".into(),
                unlocks: vec![],
                issued_at: "2026-11-01T00:00:00Z".into(),
                expires_at: None,
                grace_days: 14,
            },
            "test",
            &license::signing_key(&seed).unwrap(),
        ),
    )
    .unwrap();
    let driver = Driver::start(&db);
    let c = connect(&driver).await;

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

    // Install the license: the tier changes and the gate opens.
    find(&c, "license-path")
        .await
        .send_keys(&lic.display().to_string())
        .await
        .unwrap();
    find(&c, "license-install").await.click().await.unwrap();
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
    c.close().await.unwrap();
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
    let driver = Driver::start(&db);
    let c = connect(&driver).await;
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
    c.close().await.unwrap();
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
    let driver = Driver::start(&db);
    let c = connect(&driver).await;

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
    c.close().await.unwrap();
}
