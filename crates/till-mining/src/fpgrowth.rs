//! FP-Growth over an arena FP-tree.
//!
//! Frequent items are renumbered to dense ranks `0..m` by descending count
//! (ties by item id), infrequent items are dropped, and every transaction is
//! inserted once into the top-level tree as its rank-sorted path. Each tree
//! is a `Vec` of nodes (parent index, item, count, header link); for an item
//! `i`, its conditional tree is built from the prefix paths of `i`'s nodes
//! (two walks: count, then insert the frequent part), mined recursively, and
//! its storage reused for the next item at the same depth. A tree that is a
//! single path emits its itemsets directly.

use std::collections::hash_map::Entry;

use crate::hash::FastMap;
use crate::{Error, Params, Poll, Stage, Transactions};

const NONE: u32 = u32::MAX;

/// Every frequent itemset, as sorted global ranks in one flat array.
pub(crate) struct Found {
    pub items: Vec<u32>,
    pub ends: Vec<usize>,
    pub counts: Vec<u64>,
    /// Global rank -> item id.
    pub rank_to_item: Vec<u32>,
}

impl Found {
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn itemset(&self, k: usize) -> &[u32] {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.items[start..self.ends[k]]
    }
}

#[derive(Clone, Copy)]
struct Node {
    parent: u32,
    /// Local item id (index into the tree's `head`, `item_count`, `global`).
    item: u32,
    /// The next node of the same item (header link), or `NONE`.
    next: u32,
    /// At most the number of transactions, which is below 2^32.
    count: u32,
}

#[derive(Default)]
struct Tree {
    /// `nodes[0]` is the root.
    nodes: Vec<Node>,
    /// Per local item: its first node, or `NONE`.
    head: Vec<u32>,
    /// Per local item: the sum of its nodes' counts.
    item_count: Vec<u64>,
    /// Per local item: its global rank. Local ids keep the global order.
    global: Vec<u32>,
}

impl Tree {
    fn reset(&mut self, global: impl Iterator<Item = u32>) {
        self.nodes.clear();
        self.nodes.push(Node {
            parent: NONE,
            item: NONE,
            next: NONE,
            count: 0,
        });
        self.global.clear();
        self.global.extend(global);
        self.head.clear();
        self.head.resize(self.global.len(), NONE);
        self.item_count.clear();
        self.item_count.resize(self.global.len(), 0);
    }

    /// Inserts a path of strictly increasing local ids with `count`.
    fn insert(&mut self, path: &[u32], count: u32, children: &mut FastMap<u64, u32>) {
        let mut current = 0u32;
        for &item in path {
            let key = (u64::from(current) << 32) | u64::from(item);
            current = match children.entry(key) {
                Entry::Occupied(entry) => {
                    let node = *entry.get();
                    self.nodes[node as usize].count += count;
                    node
                }
                Entry::Vacant(entry) => {
                    let node =
                        u32::try_from(self.nodes.len()).expect("fewer than 2^32 FP-tree nodes");
                    let slot = &mut self.head[item as usize];
                    self.nodes.push(Node {
                        parent: current,
                        item,
                        next: *slot,
                        count,
                    });
                    *slot = node;
                    entry.insert(node);
                    node
                }
            };
            self.item_count[item as usize] += u64::from(count);
        }
    }

    /// Whether the tree is one chain from the root. Nodes are created in
    /// insertion order and a node's parent always exists before it, so a
    /// chain is exactly "every node's parent is the node before it".
    fn is_single_path(&self) -> bool {
        self.nodes
            .iter()
            .enumerate()
            .skip(1)
            .all(|(i, node)| node.parent as usize == i - 1)
    }
}

struct Miner<'p, 'a> {
    min_count: u64,
    max_len: usize,
    poll: &'p mut Poll<'a>,
    /// (parent node, local item) -> child node, while building one tree.
    children: FastMap<u64, u32>,
    /// Conditional trees by depth, reused.
    pool: Vec<Tree>,
    /// Global ranks of the current prefix.
    prefix: Vec<u32>,
    /// Scratch: one path; the prefix paths of one item (flat, each as its
    /// items from the leaf's parent up, then its count, then its length).
    path: Vec<u32>,
    paths: Vec<u32>,
    counts: Vec<u64>,
    remap: Vec<u32>,
    found: Found,
}

/// Mines all frequent itemsets (as global ranks) of `transactions`.
pub(crate) fn mine_itemsets(
    transactions: &Transactions,
    params: &Params,
    poll: &mut Poll<'_>,
) -> Result<Found, Error> {
    let n = transactions.len() as u64;
    let min_count = params.min_count(n);

    // One pass to count items; ranks by descending count.
    poll.report(Stage::Building, 0, n)?;
    let mut item_count = vec![0u64; transactions.item_names().len()];
    for &id in transactions.flat_items() {
        item_count[id as usize] += 1;
    }
    let mut frequent: Vec<u32> = (0..item_count.len() as u32)
        .filter(|&id| item_count[id as usize] >= min_count)
        .collect();
    frequent.sort_unstable_by_key(|&id| (std::cmp::Reverse(item_count[id as usize]), id));
    let mut rank_of = vec![NONE; item_count.len()];
    for (rank, &id) in frequent.iter().enumerate() {
        rank_of[id as usize] = rank as u32;
    }
    drop(item_count);

    let mut miner = Miner {
        min_count,
        max_len: params.max_len().unwrap_or(usize::MAX),
        poll,
        children: FastMap::default(),
        pool: Vec::new(),
        prefix: Vec::new(),
        path: Vec::new(),
        paths: Vec::new(),
        counts: Vec::new(),
        remap: Vec::new(),
        found: Found {
            items: Vec::new(),
            ends: Vec::new(),
            counts: Vec::new(),
            rank_to_item: Vec::new(),
        },
    };

    // The top-level tree: local id = global rank.
    let mut tree = Tree::default();
    tree.reset(0..frequent.len() as u32);
    for (t, basket) in transactions.iter().enumerate() {
        miner.path.clear();
        miner.path.extend(
            basket
                .iter()
                .map(|&id| rank_of[id as usize])
                .filter(|&rank| rank != NONE),
        );
        if !miner.path.is_empty() {
            miner.path.sort_unstable();
            tree.insert(&miner.path, 1, &mut miner.children);
        }
        if t % 8192 == 8191 {
            miner.poll.report(Stage::Building, t as u64 + 1, n)?;
        }
    }
    drop(rank_of);
    // Its lookup map is large; conditional trees start a small one.
    miner.children = FastMap::default();
    miner.poll.report(Stage::Building, n, n)?;

    miner.mine_top(&tree)?;
    drop(tree);
    miner.found.rank_to_item = frequent;
    Ok(miner.found)
}

impl Miner<'_, '_> {
    fn mine_top(&mut self, tree: &Tree) -> Result<(), Error> {
        let total = tree.global.len() as u64;
        self.poll.report(Stage::Itemsets, 0, total)?;
        if tree.is_single_path() {
            self.emit_single_path(tree)?;
        } else {
            for (done, item) in (0..tree.global.len()).rev().enumerate() {
                self.mine_item(tree, item, 0)?;
                self.poll.report(Stage::Itemsets, done as u64 + 1, total)?;
            }
        }
        self.poll.report(Stage::Itemsets, total, total)
    }

    fn mine_tree(&mut self, tree: &Tree, depth: usize) -> Result<(), Error> {
        if tree.is_single_path() {
            return self.emit_single_path(tree);
        }
        for item in (0..tree.global.len()).rev() {
            self.mine_item(tree, item, depth)?;
        }
        Ok(())
    }

    /// Emits `prefix + item` and mines its conditional tree.
    fn mine_item(&mut self, tree: &Tree, item: usize, depth: usize) -> Result<(), Error> {
        self.prefix.push(tree.global[item]);
        self.emit(tree.item_count[item])?;
        if self.prefix.len() < self.max_len {
            if self.pool.len() <= depth {
                self.pool.resize_with(depth + 1, Tree::default);
            }
            let mut conditional = std::mem::take(&mut self.pool[depth]);
            if self.build_conditional(tree, item, &mut conditional) {
                self.mine_tree(&conditional, depth + 1)?;
            }
            self.pool[depth] = conditional;
        }
        self.prefix.pop();
        Ok(())
    }

    /// Builds the conditional tree of `item` into `out`; false if no item of
    /// its prefix paths is frequent (then `out` is left stale).
    fn build_conditional(&mut self, tree: &Tree, item: usize, out: &mut Tree) -> bool {
        // One walk up from each node of `item`: count the items of its
        // prefix paths (all < item) and keep the paths for the insert below.
        self.counts.clear();
        self.counts.resize(item, 0);
        self.paths.clear();
        let mut node = tree.head[item];
        while node != NONE {
            let leaf = &tree.nodes[node as usize];
            let count = u64::from(leaf.count);
            let start = self.paths.len();
            let mut parent = leaf.parent;
            while parent != 0 {
                let up = &tree.nodes[parent as usize];
                self.counts[up.item as usize] += count;
                self.paths.push(up.item);
                parent = up.parent;
            }
            let len = (self.paths.len() - start) as u32;
            if len == 0 {
                self.paths.truncate(start);
            } else {
                self.paths.push(leaf.count);
                self.paths.push(len);
            }
            node = leaf.next;
        }
        self.remap.clear();
        self.remap.resize(item, NONE);
        let mut kept = 0u32;
        for (local, &count) in self.counts.iter().enumerate() {
            if count >= self.min_count {
                self.remap[local] = kept;
                kept += 1;
            }
        }
        if kept == 0 {
            return false;
        }
        let remap = &self.remap;
        out.reset(
            (0..item)
                .filter(|&local| remap[local] != NONE)
                .map(|local| tree.global[local]),
        );

        // Insert the frequent part of each kept path, read back to front
        // (each path is stored deepest item first).
        let mut end = self.paths.len();
        while end > 0 {
            let len = self.paths[end - 1] as usize;
            let count = self.paths[end - 2];
            let start = end - 2 - len;
            self.path.clear();
            self.path.extend(
                self.paths[start..end - 2]
                    .iter()
                    .rev()
                    .map(|&local| self.remap[local as usize])
                    .filter(|&local| local != NONE),
            );
            if !self.path.is_empty() {
                out.insert(&self.path, count, &mut self.children);
            }
            end = start;
        }
        if self.children.capacity() > 1 << 15 {
            self.children = FastMap::default();
        } else {
            self.children.clear();
        }
        true
    }

    /// A single chain: every non-empty subset of its nodes, with the count
    /// of its deepest node.
    fn emit_single_path(&mut self, tree: &Tree) -> Result<(), Error> {
        let chain: Vec<(u32, u64)> = tree.nodes[1..]
            .iter()
            .map(|node| (tree.global[node.item as usize], u64::from(node.count)))
            .collect();
        let room = self.max_len.saturating_sub(self.prefix.len());
        self.emit_subsets(&chain, 0, room)
    }

    fn emit_subsets(
        &mut self,
        chain: &[(u32, u64)],
        start: usize,
        room: usize,
    ) -> Result<(), Error> {
        if room == 0 {
            return Ok(());
        }
        for (j, &(rank, count)) in chain.iter().enumerate().skip(start) {
            self.prefix.push(rank);
            self.emit(count)?;
            self.emit_subsets(chain, j + 1, room - 1)?;
            self.prefix.pop();
        }
        Ok(())
    }

    fn emit(&mut self, count: u64) -> Result<(), Error> {
        debug_assert!(count >= self.min_count);
        if self.found.counts.len() >= crate::MAX_ITEMSETS {
            return Err(Error::TooManyItemsets {
                limit: crate::MAX_ITEMSETS,
            });
        }
        let start = self.found.items.len();
        self.found.items.extend_from_slice(&self.prefix);
        self.found.items[start..].sort_unstable();
        self.found.ends.push(self.found.items.len());
        self.found.counts.push(count);
        self.poll.tick()
    }
}
