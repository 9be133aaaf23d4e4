//! till-core's modules import downward only.
//!
//! Parses every source file of till-core (the module tree from `lib.rs`,
//! leaving out `#[cfg(test)]` code), collects which top-level module refers
//! to which (`use crate::…`, `crate::…` in any path, `super::…` reaching out
//! of a module, `crate::…` inside macro calls, names re-exported by
//! `lib.rs`), and fails on any reference to a module in a higher layer and
//! on any cycle. Run it with `cargo test -p till-core --test layers`.
//!
//! `LAYERS` is the one table of the layer order; ARCHITECTURE.md shows it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

/// till-core's top-level modules, lowest layer first. A module may refer to
/// modules of its own layer or of lower ones, never to a higher one, and
/// the references never form a cycle.
const LAYERS: &[&[&str]] = &[
    // Importing nothing of the core: SQL helpers (ids, stored times,
    // reading typed columns, `Damage`), the neutral names of inputs.
    &["stored", "field"],
    // Typed errors.
    &["error"],
    // Values and pure arithmetic: money, tax, order totals; staff roles
    // and what each may do.
    &["money", "tax", "totals", "roles"],
    // What people give and read: the locale, parsing user input.
    &["locale", "input"],
    // The shop's settings, as stored; consistent copies of a store's file;
    // writing a file whole.
    &["settings", "snapshot", "save"],
    // The store: connection, migrations, transactions, the clock, caches.
    &["store"],
    // Written or asked inside everyone's transactions: events, the plan,
    // who may do what, the audit trail.
    &["outbox", "plans", "permissions", "audit"],
    // People and products; changes to the settings, recorded and synced.
    &[
        "customers",
        "catalog",
        "setting_changes",
        "staff",
        "suppliers",
    ],
    // What earns, what is owed, what things cost.
    &["referrals", "memberships", "pricing"],
    // The upstream's answer to a batch; stock: the ledger (moving stock
    // moves pricing's latches), kits.
    &["delivery", "inventory", "kits"],
    // Bundle offers, priced on top of unit prices. Products in and out
    // as CSV (Shopify's and Till's), over the catalog and the stock ledger.
    // Purchase orders and receiving. Stock counts, committed as count
    // movements.
    &["bundles", "catalog_io", "purchasing", "stock_counts"],
    // Cash-drawer shifts, which the sale and the refund are committed in.
    // Low stock and reorder suggestions, from sales' movements.
    &["shifts", "reorder"],
    // Orders: receipts and refunds.
    &["orders"],
    // What a receipt says, as a print document (read-only); labels; the
    // logo. The receipt's print jobs, queued inside the sale's transaction.
    &["receipt", "print_queue"],
    // The receipt as a PDF, and emailed (queued inside the sale).
    &["pdf", "email"],
    // The sale's commit.
    &["checkout", "scan", "reports"],
    // Front ends' forms, built into the inputs of the modules below.
    &["forms"],
    // The open cart.
    &["cart"],
    // Over everything: the store check, backups and restore, the demo
    // shop, the first-run set-up, sending print jobs, exporting all data.
    &["doctor", "backup", "demo", "setup", "printing", "export"],
];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// One reference from a top-level module to another.
#[derive(Debug, Clone)]
struct Edge {
    from: String,
    to: String,
    file: PathBuf,
    line: usize,
}

/// Names `lib.rs` re-exports at the crate root, with the module they come
/// from (`pub use store::{Clock, Store}` makes `crate::Store` mean `store`).
fn root_reexports(lib: &syn::File) -> BTreeMap<String, String> {
    fn walk(tree: &syn::UseTree, first: Option<&str>, out: &mut BTreeMap<String, String>) {
        match tree {
            syn::UseTree::Path(p) => {
                let name = p.ident.to_string();
                let first = first.unwrap_or(&name).to_string();
                walk(&p.tree, Some(&first), out);
            }
            syn::UseTree::Name(n) => {
                if let Some(m) = first {
                    out.insert(n.ident.to_string(), m.to_string());
                }
            }
            syn::UseTree::Rename(r) => {
                if let Some(m) = first {
                    out.insert(r.rename.to_string(), m.to_string());
                }
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    walk(t, first, out);
                }
            }
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut out = BTreeMap::new();
    for item in &lib.items {
        if let syn::Item::Use(u) = item {
            let tree = match &u.tree {
                syn::UseTree::Path(p) if p.ident == "crate" => &*p.tree,
                t => t,
            };
            walk(tree, None, &mut out);
        }
    }
    out
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Path>()
                .map(|p| p.is_ident("test"))
                .unwrap_or(false)
    })
}

/// Finds every reference to another top-level module in one file.
struct Collector<'a> {
    /// Top-level modules of the crate.
    modules: &'a BTreeSet<String>,
    /// Root re-exports of `lib.rs`.
    reexports: &'a BTreeMap<String, String>,
    /// The module path of the code being visited (`["pricing", "rules"]`).
    path: Vec<String>,
    file: PathBuf,
    edges: Vec<Edge>,
    /// References that name nothing this check knows.
    unknown: Vec<String>,
    /// Out-of-line child modules (`mod x;`) found, with whether they are test-only.
    children: Vec<(Vec<String>, bool)>,
}

impl Collector<'_> {
    /// Records a path that starts with `crate`, `super` or `self`, given as
    /// its segments and the line it is on.
    fn reference(&mut self, segments: &[String], line: usize) {
        let Some(first) = segments.first() else {
            return;
        };
        let mut at: Vec<String> = match first.as_str() {
            "crate" => Vec::new(),
            "super" | "self" => self.path.clone(),
            _ => return,
        };
        let mut rest = &segments[1..];
        if first == "super" {
            at.pop();
        }
        while let Some(s) = rest.first() {
            if s == "super" {
                at.pop();
                rest = &rest[1..];
            } else if s == "self" {
                rest = &rest[1..];
            } else {
                break;
            }
        }
        let to = if let Some(top) = at.first() {
            top.clone()
        } else {
            // At the crate root: the next segment names a module or a re-export.
            let Some(name) = rest.first() else {
                return;
            };
            if self.modules.contains(name) {
                name.clone()
            } else if let Some(m) = self.reexports.get(name) {
                if !self.modules.contains(m) {
                    // Re-exported from another crate: not a module of ours.
                    return;
                }
                m.clone()
            } else {
                self.unknown.push(format!(
                    "{}:{line}: `{}` names nothing at the crate root this check knows",
                    self.file.display(),
                    segments.join("::")
                ));
                return;
            }
        };
        let from = &self.path[0];
        if &to != from {
            self.edges.push(Edge {
                from: from.clone(),
                to,
                file: self.file.clone(),
                line,
            });
        }
    }

    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                prefix.push(n.ident.to_string());
                self.reference(&prefix.clone(), n.ident.span().start().line);
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                prefix.push(r.ident.to_string());
                self.reference(&prefix.clone(), r.ident.span().start().line);
                prefix.pop();
            }
            syn::UseTree::Glob(g) => {
                self.reference(&prefix.clone(), g.star_token.span().start().line);
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(t, prefix);
                }
            }
        }
    }

    /// Macro bodies are tokens, not paths: find `crate :: x`, `super :: x`
    /// and `self :: x` in them.
    fn tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(id) if id == "crate" || id == "super" || id == "self" => {
                    let line = id.span().start().line;
                    let mut segments = vec![id.to_string()];
                    let mut j = i + 1;
                    while let (
                        Some(TokenTree::Punct(a)),
                        Some(TokenTree::Punct(b)),
                        Some(TokenTree::Ident(next)),
                    ) = (trees.get(j), trees.get(j + 1), trees.get(j + 2))
                    {
                        if a.as_char() != ':' || b.as_char() != ':' {
                            break;
                        }
                        segments.push(next.to_string());
                        j += 3;
                    }
                    if segments.len() > 1 {
                        self.reference(&segments, line);
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::ExternCrate(i) => &i.attrs,
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::ForeignMod(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::TraitAlias(i) => &i.attrs,
            syn::Item::Type(i) => &i.attrs,
            syn::Item::Union(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            _ => &[],
        };
        let test_only = is_cfg_test(attrs);
        if let syn::Item::Mod(m) = item {
            let mut path = self.path.clone();
            path.push(m.ident.to_string());
            match &m.content {
                None => self.children.push((path, test_only)),
                Some((_, items)) if !test_only => {
                    let outer = std::mem::replace(&mut self.path, path);
                    for i in items {
                        self.visit_item(i);
                    }
                    self.path = outer;
                }
                Some(_) => {}
            }
            return;
        }
        if !test_only {
            visit::visit_item(self, item);
        }
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let attrs: &[syn::Attribute] = match item {
            syn::ImplItem::Const(i) => &i.attrs,
            syn::ImplItem::Fn(i) => &i.attrs,
            syn::ImplItem::Type(i) => &i.attrs,
            syn::ImplItem::Macro(i) => &i.attrs,
            _ => &[],
        };
        if !is_cfg_test(attrs) {
            visit::visit_impl_item(self, item);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&u.tree, &mut Vec::new());
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.len() > 1 {
            self.reference(&segments, p.span().start().line);
        }
        visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.tokens(m.tokens.clone());
        visit::visit_macro(self, m);
    }
}

/// The file of module `path` (`["pricing", "rules"]` is `pricing/rules.rs`
/// or `pricing/rules/mod.rs`).
fn module_file(path: &[String]) -> PathBuf {
    let mut base = src_dir();
    for p in path {
        base.push(p);
    }
    let flat = base.with_extension("rs");
    if flat.exists() {
        flat
    } else {
        base.join("mod.rs")
    }
}

fn parse(file: &Path) -> syn::File {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    syn::parse_file(&text).unwrap_or_else(|e| {
        panic!(
            "{}:{}: does not parse: {e}",
            file.display(),
            e.span().start().line
        )
    })
}

struct Scan {
    modules: BTreeSet<String>,
    edges: Vec<Edge>,
    problems: Vec<String>,
}

fn scan() -> Scan {
    let lib = parse(&src_dir().join("lib.rs"));
    let reexports = root_reexports(&lib);
    let mut modules = BTreeSet::new();
    for item in &lib.items {
        if let syn::Item::Mod(m) = item {
            assert!(
                m.content.is_none() && !is_cfg_test(&m.attrs),
                "lib.rs: module `{}` is inline or test-only; this check expects files",
                m.ident
            );
            modules.insert(m.ident.to_string());
        }
    }
    let mut edges = Vec::new();
    let mut problems = Vec::new();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::from([src_dir().join("lib.rs")]);
    let mut todo: Vec<(Vec<String>, bool)> =
        modules.iter().map(|m| (vec![m.clone()], false)).collect();
    while let Some((path, test_only)) = todo.pop() {
        let file = module_file(&path);
        seen.insert(file.clone());
        let shown = file
            .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")))
            .unwrap_or(&file)
            .to_path_buf();
        let mut c = Collector {
            modules: &modules,
            reexports: &reexports,
            path,
            file: shown,
            edges: Vec::new(),
            unknown: Vec::new(),
            children: Vec::new(),
        };
        if test_only {
            // Not part of the library; only its own out-of-line children
            // need finding, so every file is accounted for.
            let parsed = parse(&file);
            for item in &parsed.items {
                if let syn::Item::Mod(m) = item {
                    if m.content.is_none() {
                        let mut p = c.path.clone();
                        p.push(m.ident.to_string());
                        todo.push((p, true));
                    }
                }
            }
            continue;
        }
        c.visit_file(&parse(&file));
        for e in c.edges {
            let seen = edges.iter().any(|d: &Edge| {
                d.from == e.from && d.to == e.to && d.file == e.file && d.line == e.line
            });
            if !seen {
                edges.push(e);
            }
        }
        problems.append(&mut c.unknown);
        todo.extend(c.children);
    }
    // Every source file must have been reached, or this check missed code.
    let mut stack = vec![src_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let p = entry.expect("dir entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") && !seen.contains(&p) {
                problems.push(format!("{}: not reached from lib.rs", p.display()));
            }
        }
    }
    Scan {
        modules,
        edges,
        problems,
    }
}

fn layer_of() -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for (i, layer) in LAYERS.iter().enumerate() {
        for m in *layer {
            assert!(
                out.insert(*m, i).is_none(),
                "`{m}` is listed twice in LAYERS"
            );
        }
    }
    out
}

/// Cycles among the modules: every strongly connected component of more
/// than one module (Tarjan).
fn cycles(modules: &BTreeSet<String>, edges: &[Edge]) -> Vec<Vec<String>> {
    let names: Vec<&String> = modules.iter().collect();
    let index: BTreeMap<&String, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut succ = vec![BTreeSet::new(); names.len()];
    for e in edges {
        succ[index[&e.from]].insert(index[&e.to]);
    }
    struct T {
        succ: Vec<BTreeSet<usize>>,
        idx: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn strong(t: &mut T, v: usize) {
        t.idx[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on[v] = true;
        for w in t.succ[v].clone() {
            match t.idx[w] {
                None => {
                    strong(t, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(i) if t.on[w] => t.low[v] = t.low[v].min(i),
                Some(_) => {}
            }
        }
        if Some(t.low[v]) == t.idx[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on[w] = false;
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                t.out.push(comp);
            }
        }
    }
    let n = names.len();
    let mut t = T {
        succ,
        idx: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if t.idx[v].is_none() {
            strong(&mut t, v);
        }
    }
    t.out
        .into_iter()
        .map(|c| {
            let mut c: Vec<String> = c.into_iter().map(|i| names[i].clone()).collect();
            c.sort();
            c
        })
        .collect()
}

/// The shortest loop through the modules of `group` (a strongly connected
/// component), as a path that starts and ends at the same module.
fn shortest_cycle(group: &[String], edges: &[Edge]) -> Vec<String> {
    let mut best: Option<Vec<String>> = None;
    for start in group {
        // Breadth first from `start`, inside the group, back to `start`.
        let mut came_from: BTreeMap<&String, &String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut found = None;
        while let Some(at) = queue.pop_front() {
            for e in edges
                .iter()
                .filter(|e| &e.from == at && group.contains(&e.to))
            {
                if &e.to == start {
                    found = Some(at);
                    break;
                }
                if !came_from.contains_key(&e.to) {
                    came_from.insert(&e.to, at);
                    queue.push_back(&e.to);
                }
            }
            if found.is_some() {
                break;
            }
        }
        let Some(mut at) = found else { continue };
        let mut path = vec![start.clone(), at.clone()];
        while at != start {
            at = came_from[at];
            path.push(at.clone());
        }
        path.reverse();
        if best.as_ref().is_none_or(|b| path.len() < b.len()) {
            best = Some(path);
        }
    }
    best.expect("a strongly connected group has a loop")
}

#[test]
fn modules_import_downward_only() {
    let scan = scan();
    let layer = layer_of();
    let mut report = String::new();
    for p in &scan.problems {
        writeln!(report, "{p}").unwrap();
    }
    for m in &scan.modules {
        if !layer.contains_key(m.as_str()) {
            writeln!(
                report,
                "module `{m}` is in no layer: add it to LAYERS in tests/layers.rs"
            )
            .unwrap();
        }
    }
    for m in layer.keys() {
        if !scan.modules.contains(*m) {
            writeln!(
                report,
                "LAYERS lists `{m}`, which is not a module of till-core"
            )
            .unwrap();
        }
    }
    for e in &scan.edges {
        if let (Some(&from), Some(&to)) = (layer.get(e.from.as_str()), layer.get(e.to.as_str())) {
            if to > from {
                writeln!(
                    report,
                    "{}:{}: `{}` (layer {from}) imports `{}` (layer {to}), a higher layer",
                    e.file.display(),
                    e.line,
                    e.from,
                    e.to
                )
                .unwrap();
            }
        }
    }
    for group in cycles(&scan.modules, &scan.edges) {
        let path = shortest_cycle(&group, &scan.edges);
        writeln!(
            report,
            "cycle among {} (one loop: {}):",
            group.join(", "),
            path.join(" -> ")
        )
        .unwrap();
        for pair in path.windows(2) {
            let e = scan
                .edges
                .iter()
                .find(|e| e.from == pair[0] && e.to == pair[1])
                .expect("an edge of the loop");
            writeln!(
                report,
                "  {}:{}: {} -> {}",
                e.file.display(),
                e.line,
                e.from,
                e.to
            )
            .unwrap();
        }
    }
    assert!(
        report.is_empty(),
        "till-core's modules must import downward only:\n{report}"
    );
}

/// The check sees what it must: a guard against a collector that finds
/// nothing and so passes everything.
#[test]
fn the_check_sees_imports() {
    let scan = scan();
    let has = |from: &str, to: &str| scan.edges.iter().any(|e| e.from == from && e.to == to);
    // `use crate::error::…`, `crate::Store` through lib.rs, and a `super::`
    // from a submodule that reaches another top-level module.
    assert!(has("store", "error"), "store -> error not seen");
    assert!(has("checkout", "store"), "checkout -> store not seen");
    assert!(
        scan.edges.len() > 50,
        "only {} references seen",
        scan.edges.len()
    );
}

/// ARCHITECTURE.md shows the same layers, in the same order: its "Layers"
/// table is read back and compared with `LAYERS`.
#[test]
fn architecture_shows_the_layers() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ARCHITECTURE.md");
    let text = std::fs::read_to_string(&path).expect("read ARCHITECTURE.md");
    let section = text
        .split("### Layers")
        .nth(1)
        .expect("ARCHITECTURE.md has a \"### Layers\" section");
    let shown: Vec<Vec<String>> = section
        .lines()
        .skip_while(|l| !l.starts_with("| Layer "))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let modules = l.split('|').nth(2).unwrap_or_default();
            modules
                .split(',')
                .map(|m| m.trim().trim_matches('`').to_string())
                .collect()
        })
        .collect();
    let table: Vec<Vec<String>> = LAYERS
        .iter()
        .map(|l| l.iter().map(|m| m.to_string()).collect())
        .collect();
    assert_eq!(
        shown, table,
        "ARCHITECTURE.md's layer table differs from LAYERS in tests/layers.rs"
    );
}
