#!/usr/bin/env python3
"""Reference miner for till-mining: the same JSON as `till_mining::mine`,
computed with mlxtend's fpgrowth and association_rules.

    python3 mlxtend_reference.py FILE fimi|csv MIN_SUPPORT MIN_CONFIDENCE [MAX_LEN]

Prints one line:
    {"transactions":N,"itemsets":[{"items":[..],"count":N}],
     "rules":[{"antecedent":[..],"consequent":[..],"support_count":N,
               "confidence":X,"lift":X}]}

Input is read like the Rust parsers: FIMI = items separated by whitespace,
only the line ending ("\\n" or "\\r\\n") removed; CSV = standard CSV (the
csv module: quoted names may hold commas, doubled quotes and line breaks),
names kept verbatim (no trimming: the trailing spaces of "cream cheese " and
"roll products " are part of the names); duplicates within a basket count
once. Empty lines and empty CSV names are errors, as in Rust. (The Rust
parsers also enforce size limits and reject NUL bytes and unclosed quotes;
the reference is only run on well-formed files.)

Sorting matches the Rust output: items by string (code point order, which is
Rust's byte order for UTF-8), itemsets by (size, items), rules by
(len(antecedent), antecedent, len(consequent), consequent).

Differences to expect when comparing with till-mining: mlxtend decides its
thresholds in floating point (`support >= min_support`,
`ceil(min_support * n)`, `confidence >= min_threshold`), till-mining exactly;
they can differ only on exact ties that floats get wrong (e.g. 0.07 * 100 is
7.000000000000001). Confidence and lift are floats on both sides: compare
them with a relative tolerance, not for equality.
"""

import csv
import json
import re
import sys

import pandas as pd
from mlxtend.frequent_patterns import association_rules, fpgrowth
from mlxtend.preprocessing import TransactionEncoder

ASCII_WHITESPACE = re.compile("[ \t\n\f\r]+")


def read_transactions(path, fmt):
    transactions = read_fimi(path) if fmt == "fimi" else read_csv(path)
    if not transactions:
        sys.exit("no transactions")
    # Distinct items; order is irrelevant.
    return [sorted(set(items)) for items in transactions]


def read_fimi(path):
    transactions = []
    # newline="\n": split on "\n" only, keep "\r" (removed below), as Rust does.
    with open(path, "r", encoding="utf-8", newline="\n") as f:
        for number, line in enumerate(f, start=1):
            if line.endswith("\n"):
                line = line[:-1]
            if line.endswith("\r"):
                line = line[:-1]
            if number == 1 and line.startswith("\ufeff"):
                line = line[1:]
            # Rust's ASCII whitespace: space, \t, \n, \f, \r.
            items = [item for item in ASCII_WHITESPACE.split(line) if item]
            if not items:
                sys.exit(f"line {number}: empty transaction")
            transactions.append(items)
    return transactions


def read_csv(path):
    transactions = []
    # utf-8-sig drops a byte-order mark; newline="" leaves line breaks
    # inside quoted fields to the csv module, as the csv crate does.
    with open(path, "r", encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, strict=True)
        for items in reader:
            if not items:
                sys.exit(f"line {reader.line_num}: empty transaction")
            if any(item == "" for item in items):
                sys.exit(f"line {reader.line_num}: empty item name")
            transactions.append(items)
    return transactions


def main(argv):
    if len(argv) not in (5, 6) or argv[2] not in ("fimi", "csv"):
        sys.exit(__doc__)
    path, fmt = argv[1], argv[2]
    min_support, min_confidence = float(argv[3]), float(argv[4])
    max_len = int(argv[5]) if len(argv) == 6 else None

    transactions = read_transactions(path, fmt)
    n = len(transactions)

    encoder = TransactionEncoder()
    matrix = encoder.fit(transactions).transform(transactions, sparse=True)
    df = pd.DataFrame.sparse.from_spmatrix(matrix, columns=encoder.columns_)
    del matrix

    frequent = fpgrowth(df, min_support=min_support, use_colnames=True, max_len=max_len)

    def count(support):
        return int(round(support * n))

    itemsets = [
        {"items": sorted(items), "count": count(support)}
        for items, support in zip(frequent["itemsets"], frequent["support"])
    ]
    itemsets.sort(key=lambda s: (len(s["items"]), s["items"]))

    rules = []
    # association_rules refuses an empty table; rules need itemsets of size >= 2.
    if len(frequent) and frequent["itemsets"].map(len).max() >= 2:
        table = association_rules(
            frequent,
            num_itemsets=n,
            metric="confidence",
            min_threshold=min_confidence,
        )
        for antecedent, consequent, support, confidence, lift in zip(
            table["antecedents"],
            table["consequents"],
            table["support"],
            table["confidence"],
            table["lift"],
        ):
            rules.append(
                {
                    "antecedent": sorted(antecedent),
                    "consequent": sorted(consequent),
                    "support_count": count(support),
                    "confidence": float(confidence),
                    "lift": float(lift),
                }
            )
    rules.sort(
        key=lambda r: (len(r["antecedent"]), r["antecedent"], len(r["consequent"]), r["consequent"])
    )

    result = {"transactions": n, "itemsets": itemsets, "rules": rules}
    sys.stdout.write(json.dumps(result, separators=(",", ":"), ensure_ascii=False))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
