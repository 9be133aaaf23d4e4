//! Runs one parsed command against the store.

use std::path::PathBuf;

use serde::Serialize;
use till_core::checkout::{ReceiptChoice, SaleLine, SaleRequest, Tender};
use till_core::forms::{FlashForm, ProductForm, RuleForm};
use till_core::input::time as parse_time;
use till_core::input::Field;
use till_core::money::Currency;
use till_core::orders::RefundRequest;
use till_core::pricing::FlashSaleInput;
use till_core::settings::Settings;
use till_core::totals::Discount;
use till_core::{Error, Result, Store};

use crate::cli::*;
use crate::human::Human;
use crate::print;

/// How a command that ran to its end went: `Failed` when its output is a
/// negative answer (a broken audit chain) and `till` exits 1 with no error
/// of its own to add.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Failed,
    /// The output is a report of bad input (an import's errors): exit 2,
    /// as for any bad input, with the report printed.
    Invalid,
}

pub(crate) struct Ctx {
    pub(crate) json: bool,
    /// How human output writes times, money and statuses.
    pub(crate) human: Human,
}

impl Ctx {
    /// Says on stderr which rows of a list cannot be read (the store is
    /// damaged there) and what to do about each; `then` gets the row id.
    pub(crate) fn warn_damaged(
        &self,
        damaged: &[till_core::stored::Damage],
        then: impl Fn(&str) -> String,
    ) {
        for d in damaged {
            let id = d.row.as_deref().unwrap_or("?");
            let message = format!(
                "{} {id} cannot be read ({d}): {}",
                print::row_kind(&d.table),
                then(id)
            );
            if self.json {
                eprintln!(
                    "{}",
                    serde_json::json!({ "warning": { "code": "store_damaged", "message": message, "damage": d } })
                );
            } else {
                eprintln!("till: warning: {message}");
            }
        }
    }

    /// Prints `value` as JSON, or as text through `human`.
    pub(crate) fn out<T: Serialize>(
        &self,
        value: &T,
        human: impl FnOnce(&T) -> String,
    ) -> Result<()> {
        let text = if self.json {
            serde_json::to_string_pretty(value).map_err(|e| Error::Internal(e.to_string()))?
        } else {
            human(value).trim_end().to_string()
        };
        if text.is_empty() {
            return Ok(());
        }
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        match writeln!(out, "{text}").and_then(|_| out.flush()) {
            // The reader went away (`till … | head`): the work is done, so
            // is the output; not an error, and never a panic.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(Error::Internal(format!("cannot write the output: {e}"))),
            Ok(()) => Ok(()),
        }
    }
}

pub fn run(cli: Cli) -> Result<Outcome> {
    let mut ctx = Ctx {
        json: cli.json,
        human: Human::plain(),
    };
    let mut creds = crate::staff::Credentials::of(&cli);
    // --db, else Till's one default ($TILL_DB, else the OS user data
    // folder), the same file the app opens.
    let path = till_core::input::store_path(cli.db.clone())?;
    if let Command::Store(StoreCmd::Path) = &cli.command {
        let report = serde_json::json!({ "path": path.display().to_string() });
        return done(ctx.out(&report, |_| path.display().to_string()));
    }
    if let Command::Init(args) = &cli.command {
        return done(init(&ctx, &path, args));
    }
    if let Command::Backup(_) = &cli.command {
        let Command::Backup(cmd) = cli.command else {
            unreachable!()
        };
        return done(crate::backup::run(&mut ctx, &path, &mut creds, cmd));
    }
    // Mining a basket file needs no store.
    if let Command::Bundles(BundlesCmd::Mine { input: Some(_), .. }) = &cli.command {
        let Command::Bundles(cmd) = cli.command else {
            unreachable!()
        };
        return done(crate::bundles::run(&ctx, None, cmd));
    }
    let mut store = match (Store::open(&path), &cli.command) {
        // A store whose settings cannot be read does not open; the doctor
        // still examines it, read-only.
        (Err(Error::Damaged(_)), Command::Doctor) => {
            return done(doctor(&ctx, till_core::doctor::examine_file(&path)?))
        }
        (s, _) => s?,
    };
    creds.apply(&mut store)?;
    ctx.human = Human::of(store.settings())?;
    if let Command::Audit(cmd) = cli.command {
        return crate::audit::run(&ctx, &store, cmd);
    }
    if let Command::Receipt(cmd) = cli.command {
        return crate::receipt::run(&ctx, &mut store, cmd);
    }
    if let Command::Import(cmd) = cli.command {
        return crate::catalog::import(&ctx, &mut store, cmd);
    }
    done(match cli.command {
        Command::Init(_) | Command::Store(_) | Command::Backup(_) => {
            unreachable!("handled above")
        }
        Command::Product(cmd) => product(&ctx, &mut store, cmd),
        Command::Stock(cmd) => stock(&ctx, &mut store, cmd),
        Command::Sale(args) => sale(&ctx, &mut store, args),
        Command::Order(cmd) => order(&ctx, &mut store, cmd),
        Command::Price(PriceCmd::Show { sku, at }) => {
            let at = match at {
                Some(t) => parse_time(Field::At, &t)?,
                None => store.now(),
            };
            let q = store.quote(&sku, at)?;
            ctx.out(&q, |v| print::quote(v, &ctx.human))
        }
        Command::Demo(DemoCmd::Sales { count, seed }) => {
            let count = parse_count(Field::Count, &count)?;
            let seed = till_core::demo::parse_seed(Field::Seed, &seed)?;
            let summary = till_core::demo::run_sales(&mut store, count as usize, seed)?;
            ctx.out(&summary, |s| {
                format!(
                    "{} demo sales, {} items, revenue {} ({} restocks)",
                    s.orders,
                    s.items,
                    ctx.human.money(s.revenue),
                    s.restocks
                )
            })
        }
        Command::Demo(DemoCmd::History { orders, days, seed }) => {
            crate::demo::history(&ctx, &mut store, &orders, &days, &seed)
        }
        Command::Export(ExportCmd::Products(args)) => crate::catalog::export(&ctx, &store, args),
        Command::Export(ExportCmd::All { out }) => {
            let manifest = store.export_all(&out)?;
            ctx.out(&manifest, |m| print::export(m, &out))
        }
        Command::Settings(SettingsCmd::Show) => ctx.out(store.settings(), print::settings),
        Command::Settings(SettingsCmd::Set {
            name,
            tax_mode,
            default_tax_rate,
            allow_negative_stock,
            time_zone,
            locale,
            floor_at_cost,
            price_ceiling,
            currency,
            address,
            tax_id,
            receipt_header,
            receipt_footer,
            logo,
            backup_dir,
            backup_every_hours,
            backup_keep,
            update_check,
            update_endpoint,
            discount_approval_pct,
            idle_lock_minutes,
            require_shift,
            reorder_cover_days,
        }) => {
            let form = till_core::forms::SettingsForm {
                store_name: name,
                currency,
                tax_mode,
                default_tax_rate,
                allow_negative_stock,
                time_zone,
                locale,
                floor_at_cost,
                price_ceiling,
                shop_address: address,
                tax_id,
                receipt_header,
                receipt_footer,
                backup_dir,
                backup_every_hours,
                backup_keep,
                update_check,
                update_endpoint,
                discount_approval_pct,
                idle_lock_minutes,
                require_shift,
                reorder_cover_days,
                ..Default::default()
            };
            let update = form.update()?;
            // The logo file is read (and refused, by name) before anything
            // is written; the settings and the logo change in one transaction.
            let logo = match logo.as_deref().map(str::trim) {
                None => None,
                Some("") => Some(None),
                Some(path) => Some(Some(till_core::receipt::read_logo_file(
                    std::path::Path::new(path),
                )?)),
            };
            let s = store.update_settings_and_logo(update, logo.as_ref().map(|l| l.as_deref()))?;
            ctx.out(&s, print::settings)
        }
        Command::Settings(SettingsCmd::History { limit }) => {
            let limit = till_core::input::whole(Field::Limit, &limit)?;
            let limit = usize::try_from(limit).map_err(|_| {
                Error::invalid(Field::Limit, format!("{limit} must not be negative"))
            })?;
            let changes = store.settings_changes(limit)?;
            ctx.out(&changes, |c| print::settings_changes(c, &ctx.human))
        }
        Command::Pricing(PricingCmd::Rule(cmd)) => pricing_rule(&ctx, &mut store, cmd),
        Command::Flash(cmd) => flash(&ctx, &mut store, cmd),
        Command::Bundles(cmd) => crate::bundles::run(&ctx, Some(&mut store), cmd),
        Command::Bundle(cmd) => crate::bundles::bundle(&ctx, &mut store, cmd),
        Command::Kit(cmd) => crate::bundles::kit(&ctx, &mut store, cmd),
        Command::Sync(cmd) => crate::sync::run(&ctx, &mut store, cmd),
        Command::Customer(cmd) => crate::referrals::customer(&ctx, &mut store, cmd),
        Command::Affiliate(cmd) => crate::referrals::affiliate(&ctx, &mut store, cmd),
        Command::Referral(cmd) => crate::referrals::referral(&ctx, &mut store, cmd),
        Command::Program(cmd) => crate::referrals::program(&ctx, &mut store, cmd),
        Command::Commission(cmd) => crate::referrals::commission(&ctx, &mut store, cmd),
        Command::Payout(cmd) => crate::referrals::payout(&ctx, &mut store, cmd),
        Command::Plan(cmd) => crate::plans::plan(&ctx, &mut store, cmd),
        Command::License(cmd) => crate::plans::license(&ctx, &mut store, cmd),
        Command::Feature(FeatureCmd::Check { key }) => crate::plans::feature(&ctx, &store, &key),
        Command::Limit(LimitCmd::Check { key }) => crate::plans::limit(&ctx, &store, &key),
        Command::Usage(cmd) => crate::plans::usage(&ctx, &mut store, cmd),
        Command::Membership(cmd) => crate::plans::membership(&ctx, &mut store, cmd),
        Command::Report(cmd) => crate::report::run(&ctx, &mut store, cmd),
        Command::Shift(cmd) => crate::shift::run(&ctx, &mut store, cmd),
        Command::Supplier(cmd) => crate::purchasing::supplier(&ctx, &mut store, cmd),
        Command::Po(cmd) => crate::purchasing::po(&ctx, &mut store, cmd),
        Command::Count(cmd) => crate::counts::count(&ctx, &mut store, cmd),
        Command::Staff(cmd) => crate::staff::run(&ctx, &mut store, &mut creds, cmd),
        Command::Printer(cmd) => crate::printer::printer(&ctx, &mut store, cmd),
        Command::Drawer(cmd) => crate::printer::drawer(&ctx, &mut store, cmd),
        Command::Audit(_) | Command::Receipt(_) | Command::Import(_) => {
            unreachable!("handled above")
        }
        Command::Label(cmd) => crate::receipt::label(&ctx, &mut store, cmd),
        Command::Email(cmd) => crate::email::run(&ctx, &mut store, &mut creds, cmd),
        Command::Doctor => doctor(&ctx, store.doctor()?),
    })
}

/// A command whose output says nothing of success: done when it ran.
fn done(r: Result<()>) -> Result<Outcome> {
    r.map(|()| Outcome::Done)
}

fn doctor(ctx: &Ctx, report: till_core::doctor::Report) -> Result<()> {
    ctx.out(&report, print::doctor)?;
    if report.is_healthy() {
        Ok(())
    } else {
        Err(Error::Refused("the store failed its checks".into()))
    }
}

fn init(ctx: &Ctx, path: &PathBuf, args: &InitArgs) -> Result<()> {
    let currency = Currency::from_code(&args.currency)?;
    let mut settings = Settings {
        currency,
        tax_mode: args.tax_mode.parse()?,
        ..Settings::default()
    };
    if let Some(tz) = &args.time_zone {
        settings.time_zone = till_core::settings::parse_time_zone(tz)?.name().to_string();
    }
    if let Some(tag) = &args.locale {
        settings.locale = till_core::input::locale(Field::Locale, tag)?;
    }
    if let Some(name) = &args.name {
        if name.trim().is_empty() {
            return Err(Error::invalid(Field::Name, "must not be empty"));
        }
        settings.store_name = name.trim().to_string();
    } else if args.demo {
        settings.store_name = "Till Demo Café".into();
    }
    let (store, products, demo) = if args.demo && !args.catalog_only {
        let options = till_core::demo::DemoOptions {
            seed: match &args.seed {
                Some(s) => till_core::demo::parse_seed(Field::Seed, s)?,
                None => till_core::demo::DEFAULT_SEED,
            },
            now: match &args.at {
                Some(t) => parse_time(Field::At, t)?,
                None => till_core::Clock::System.now(),
            },
            license: match &args.license {
                Some(file) => Some(std::fs::read_to_string(file).map_err(|e| {
                    Error::invalid(
                        Field::License,
                        format!("cannot read {}: {e}", file.display()),
                    )
                })?),
                None => None,
            },
        };
        let (store, report) = till_core::demo::create(path, settings, &options)?;
        let products = store.products(None, true)?.len();
        (store, products, Some(report))
    } else {
        let mut store = Store::create(path, settings)?;
        let products = if args.demo {
            till_core::demo::seed_catalog(&mut store)?
        } else {
            0
        };
        (store, products, None)
    };
    let report = serde_json::json!({
        "path": store.path().display().to_string(),
        "store_id": store.settings().store_id,
        "device_id": store.settings().device_id,
        "currency": store.settings().currency.code,
        "products": products,
        "demo": demo,
    });
    ctx.out(&report, |_| {
        let mut text = format!(
            "created store {} ({}){}",
            store.path().display(),
            store.settings().currency.code,
            if products > 0 {
                format!(" with {products} demo products")
            } else {
                String::new()
            }
        );
        if let Some(d) = &demo {
            text.push_str(&crate::demo::report(d));
        }
        text
    })
}

pub(crate) fn parse_count(field: Field, text: &str) -> Result<i64> {
    match parse_int(field, text)? {
        n if n >= 1 => Ok(n),
        n => Err(Error::invalid(field, format!("{n} must be at least 1"))),
    }
}

use till_core::input::whole as parse_int;

fn parse_id(text: &str) -> Result<i64> {
    parse_int(Field::Id, text)
}

fn pricing_rule(ctx: &Ctx, store: &mut Store, cmd: RuleCmd) -> Result<()> {
    match cmd {
        RuleCmd::Add(a) => {
            let (condition, threshold) = match a.when {
                RuleWhen {
                    when_stock_below: Some(n),
                    ..
                } => ("stock_below", n),
                RuleWhen {
                    when_stock_above: Some(n),
                    ..
                } => ("stock_above", n),
                RuleWhen {
                    within_days_of_sell_by: Some(n),
                    ..
                } => ("within_days_of_sell_by", n),
                // clap requires one of the three.
                _ => ("", String::new()),
            };
            let (effect, value) = match a.effect {
                RuleEffect {
                    multiplier: Some(m),
                    ..
                } => ("multiplier", m),
                RuleEffect { amount, .. } => ("amount", amount.unwrap_or_default()),
            };
            let (scope, scope_value) = match (a.sku, a.category) {
                (Some(s), _) => ("sku", Some(s)),
                (_, Some(c)) => ("category", Some(c)),
                _ => ("all", None),
            };
            let input = RuleForm {
                condition: condition.into(),
                threshold,
                effect: effect.into(),
                value,
                scope: scope.into(),
                scope_value,
                hysteresis: Some(a.hysteresis),
            }
            .parse(&store.settings().currency)?;
            let rule = store.add_pricing_rule(input)?;
            let c = store.settings().currency.clone();
            ctx.out(&rule, |r| format!("rule {}: {}", r.id, print::rule(r, &c)))
        }
        RuleCmd::List => {
            let list = store.pricing_rule_list()?;
            ctx.warn_damaged(&list.damaged, |id| {
                format!("it is left out of pricing; `till pricing rule remove {id}` removes it")
            });
            let rules = list.rules;
            let c = store.settings().currency.clone();
            ctx.out(&rules, |rs| {
                if rs.is_empty() {
                    "no pricing rules".into()
                } else {
                    rs.iter()
                        .map(|r| format!("{:>4}  {}", r.id, print::rule(r, &c)))
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            })
        }
        RuleCmd::Remove { id } => {
            let id = parse_id(&id)?;
            store.remove_pricing_rule(id)?;
            ctx.out(&serde_json::json!({ "removed": id }), |_| {
                format!("rule {id} removed")
            })
        }
    }
}

fn flash_input(store: &Store, a: FlashArgs) -> Result<FlashSaleInput> {
    let (effect, value) = match a.effect {
        FlashEffectArgs {
            multiplier: Some(m),
            ..
        } => ("multiplier", m),
        FlashEffectArgs { price, .. } => ("price", price.unwrap_or_default()),
    };
    FlashForm {
        name: a.name,
        skus: a.skus,
        categories: a.categories,
        effect: effect.into(),
        value,
        starts_at: a.start,
        ends_at: a.end,
        weekly: a.weekly,
    }
    .parse(&store.settings().currency)
}

fn flash(ctx: &Ctx, store: &mut Store, cmd: FlashCmd) -> Result<()> {
    let now = store.now();
    match cmd {
        FlashCmd::Create(a) => {
            let input = flash_input(store, a)?;
            let sale = store.create_flash_sale(input)?;
            let view = sale.view(now);
            ctx.out(&view, |v| print::flash(v, &ctx.human))
        }
        FlashCmd::Edit { id, args } => {
            let id = parse_id(&id)?;
            let input = flash_input(store, args)?;
            let view = store.update_flash_sale(id, input)?.view(now);
            ctx.out(&view, |v| print::flash(v, &ctx.human))
        }
        FlashCmd::List { at } => {
            let at = at
                .map(|t| parse_time(Field::At, &t))
                .transpose()?
                .unwrap_or(now);
            let list = store.flash_sales(at)?;
            ctx.warn_damaged(&list.damaged, |id| {
                format!("it is left out of pricing; `till flash delete {id}` removes it, `till flash edit {id} …` rewrites it")
            });
            let list = list.sales;
            ctx.out(&list, |l| {
                if l.is_empty() {
                    "no flash sales".into()
                } else {
                    l.iter()
                        .map(|f| print::flash(f, &ctx.human))
                        .collect::<Vec<_>>()
                        .join("")
                }
            })
        }
        FlashCmd::Cancel { id } => {
            let id = parse_id(&id)?;
            match store.cancel_flash_sale(id)? {
                Some(sale) => ctx.out(&sale.view(now), |v| print::flash(v, &ctx.human)),
                None => ctx.out(
                    &serde_json::json!({ "id": id, "status": "cancelled", "damaged": true }),
                    |_| format!("flash sale {id} cancelled (it cannot be read; `till flash delete {id}` removes it)"),
                ),
            }
        }
        FlashCmd::Delete { id } => {
            let id = parse_id(&id)?;
            store.delete_flash_sale(id)?;
            ctx.out(&serde_json::json!({ "deleted": id }), |_| {
                format!("flash sale {id} deleted")
            })
        }
    }
}

/// The product flags as the core's form: `None` not given, "" clears.
fn product_form(
    sku: String,
    name: Option<String>,
    price: Option<String>,
    more: ProductFields,
) -> ProductForm {
    ProductForm {
        sku,
        name,
        price,
        cost: more.cost,
        barcode: more.barcode,
        tax_rate: more.tax_rate,
        category: more.category,
        stock: more.stock,
        active: more.active,
        sell_by: more.pricing.sell_by,
        price_floor: more.pricing.floor,
        price_ceiling: more.pricing.ceiling,
        supplier: more.supply.supplier,
        supplier_sku: more.supply.supplier_sku,
        reorder_point: more.supply.reorder_point,
        reorder_qty: more.supply.reorder_qty,
        compare_at_price: more.supply.compare_at_price,
    }
}

/// The optional product flags `add` and `edit` share.
struct ProductFields {
    cost: Option<String>,
    barcode: Option<String>,
    tax_rate: Option<String>,
    category: Option<String>,
    stock: Option<String>,
    active: Option<bool>,
    pricing: ProductPricingArgs,
    supply: ProductSupplyArgs,
}

fn product(ctx: &Ctx, store: &mut Store, cmd: ProductCmd) -> Result<()> {
    let c = store.settings().currency.clone();
    match cmd {
        ProductCmd::Add(a) => {
            let form = product_form(
                a.sku,
                Some(a.name),
                Some(a.price),
                ProductFields {
                    cost: a.cost,
                    barcode: a.barcode,
                    tax_rate: a.tax_rate,
                    category: a.category,
                    stock: a.stock,
                    active: None,
                    pricing: a.pricing,
                    supply: a.supply,
                },
            );
            let p = store.add_product(form.new_product(&c)?)?;
            ctx.out(&p, |v| print::product(v, &ctx.human))
        }
        ProductCmd::List { search, all } => {
            let list = store.products(search.as_deref(), all)?;
            ctx.out(&list, |l| print::products(l, &ctx.human))
        }
        ProductCmd::Show { sku } => {
            let p = store.product(&sku)?;
            ctx.out(&p, |v| print::product(v, &ctx.human))
        }
        ProductCmd::Edit(a) => {
            let form = product_form(
                a.sku,
                a.name,
                a.price,
                ProductFields {
                    cost: a.cost,
                    barcode: a.barcode,
                    tax_rate: a.tax_rate,
                    category: a.category,
                    stock: None,
                    active: a.active,
                    pricing: a.pricing,
                    supply: a.supply,
                },
            );
            let p = store.update_product(&form.sku, form.update(&c)?)?;
            ctx.out(&p, |v| print::product(v, &ctx.human))
        }
    }
}

fn stock(ctx: &Ctx, store: &mut Store, cmd: StockCmd) -> Result<()> {
    match cmd {
        StockCmd::Adjust {
            sku,
            by,
            reason,
            note,
        } => {
            let by = parse_int(Field::Adjustment, &by)?;
            let level = store.adjust_stock(&sku, by, reason.parse()?, note.as_deref())?;
            ctx.out(&level, |l| format!("{}: {} on hand", l.sku, l.on_hand))
        }
        StockCmd::Show { sku } => {
            let level = store.stock(&sku)?;
            ctx.out(&level, |l| format!("{}: {} on hand", l.sku, l.on_hand))
        }
        StockCmd::History { sku } => {
            let moves = store.movements(&sku)?;
            ctx.out(&moves, |m| print::movements(m, &ctx.human))
        }
        StockCmd::Low => crate::counts::low(ctx, store),
        StockCmd::Reorder { supplier } => crate::counts::reorder(ctx, store, &supplier),
    }
}

fn sale(ctx: &Ctx, store: &mut Store, a: SaleArgs) -> Result<()> {
    let c = store.settings().currency.clone();
    let lines = a
        .items
        .iter()
        .map(|i| {
            store.sale_item(i).map(|it| SaleLine {
                code: it.sku,
                qty: it.qty,
                discount: None,
                price: it.price,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let tenders = a
        .pays
        .iter()
        .map(|p| Tender::parse(p, &c))
        .collect::<Result<Vec<_>>>()?;
    let order_discount = a
        .discount
        .as_deref()
        .map(|d| Discount::parse(Field::OrderDiscount, d, &c))
        .transpose()?;
    let choice = match a.receipt.as_deref() {
        Some(c) => ReceiptChoice::parse(c)?,
        None => ReceiptChoice::Auto,
    };
    // Read before the sale, so a bad value refuses it before anything is written.
    crate::printer::timeout()?;
    let receipt = store.sell_with(
        SaleRequest {
            key: a.key,
            lines,
            order_discount,
            tenders,
            customer_id: a.customer,
            referral_code: a.referral,
        },
        choice,
    )?;
    ctx.out(&receipt, |v| print::receipt(v, &ctx.human))?;
    // After the commit: the sale is complete whatever the printer does.
    crate::printer::send_after_sale(ctx, store)
}

fn order(ctx: &Ctx, store: &mut Store, cmd: OrderCmd) -> Result<()> {
    match cmd {
        OrderCmd::Show { id } => {
            let r = store.order(&id)?;
            ctx.out(&r, |v| print::receipt(v, &ctx.human))
        }
        OrderCmd::List { from, to, limit } => {
            let from = from.map(|t| parse_time(Field::From, &t)).transpose()?;
            let to = to.map(|t| parse_time(Field::To, &t)).transpose()?;
            let limit = limit.map(|l| parse_count(Field::Limit, &l)).transpose()?;
            let list = store.orders(from, to, limit)?;
            ctx.out(&list, |l| print::orders(l, &ctx.human))
        }
        OrderCmd::Refund { id, items, key } => {
            let items = if items.is_empty() {
                None
            } else {
                Some(
                    items
                        .iter()
                        .map(|i| store.item(i))
                        .collect::<Result<Vec<_>>>()?,
                )
            };
            let r = store.refund(RefundRequest {
                order: id,
                items,
                key,
            })?;
            ctx.out(&r, |v| print::refund(v, &ctx.human))
        }
    }
}
