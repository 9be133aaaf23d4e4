// Exact decimal arithmetic on the strings the core sends ("0.75", "-12.50"),
// for the few labels the pricing screens derive (a multiplier as "-25%",
// "25 % off" as the multiplier "0.75"). A BigInt of digits and a scale: no
// JS number ever holds a price or a multiplier, so 0.1 + 0.2 stays 0.3.

/** `n / 10^scale`. */
export interface Dec {
  n: bigint;
  scale: number;
}

const PLAIN = /^([+-])?(\d*)(?:\.(\d*))?$/;

/** "12", "-0.75", ".5", "+3." -> a Dec; null for anything else (exponents too). */
export function parseDec(text: string): Dec | null {
  const m = PLAIN.exec(text.trim());
  if (!m) return null;
  const [, sign, whole = '', frac = ''] = m;
  if (whole === '' && frac === '') return null;
  const n = BigInt((whole || '0') + frac);
  return { n: sign === '-' ? -n : n, scale: frac.length };
}

function pow10(k: number): bigint {
  return 10n ** BigInt(k);
}

/** Both at the larger scale. */
function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.n * pow10(scale - a.scale), b.n * pow10(scale - b.scale), scale];
}

export function sub(a: Dec, b: Dec): Dec {
  const [x, y, scale] = align(a, b);
  return { n: x - y, scale };
}

/** -1, 0 or 1. */
export function cmp(a: Dec, b: Dec): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `d x 10^k`, exactly. */
export function shift(d: Dec, k: number): Dec {
  if (k >= 0) {
    const drop = Math.min(k, d.scale);
    return { n: d.n * pow10(k - drop), scale: d.scale - drop };
  }
  return { n: d.n, scale: d.scale - k };
}

/** Without trailing zeros: "0.7500" -> "0.75", "15.0" -> "15", "-0" -> "0". */
export function decToString(d: Dec): string {
  let { n, scale } = d;
  while (scale > 0 && n % 10n === 0n) {
    n /= 10n;
    scale--;
  }
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return (negative ? '-' : '') + whole + (scale > 0 ? '.' + frac : '');
}

const ONE: Dec = { n: 1n, scale: 0 };

/** Whether two decimal strings are the same number ("50.00" and "50"). */
export function sameNumber(a: string, b: string): boolean {
  const x = parseDec(a);
  const y = parseDec(b);
  return x !== null && y !== null ? cmp(x, y) === 0 : a.trim() === b.trim();
}

/** The sign of a decimal string: -1, 0 or 1 (0 for text that is not a number). */
export function signOf(text: string): number {
  const d = parseDec(text);
  return d ? cmp(d, { n: 0n, scale: 0 }) : 0;
}

/**
 * A multiplier as a percent change: "0.75" -> "-25%", "1.15" -> "+15%".
 * `minus` is the sign to show for a markdown ("-" or the typographic "−").
 */
export function multiplierLabel(multiplier: string, minus = '-'): string {
  const m = parseDec(multiplier);
  if (!m) return `×${multiplier}`;
  const pct = decToString(shift(sub(m, ONE), 2));
  return pct.startsWith('-') ? `${minus}${pct.slice(1)}%` : `+${pct}%`;
}

/**
 * "Percent off" as the multiplier the core takes: "25" -> "0.75",
 * "12.5" -> "0.875". Null unless 0 < percent < 100.
 */
export function percentOffToMultiplier(percent: string): string | null {
  const p = parseDec(percent.trim().replace(/%$/, ''));
  if (!p || cmp(p, { n: 0n, scale: 0 }) <= 0 || cmp(p, { n: 100n, scale: 0 }) >= 0) return null;
  return decToString(sub(ONE, shift(p, -2)));
}

/**
 * A percent change as a multiplier: "+15%" or "15%" -> "1.15", "-30%" ->
 * "0.7". Null unless the text is a number followed by "%" and the result
 * is above 0.
 */
export function percentChangeToMultiplier(text: string): string | null {
  const t = text.trim().replace(/^−/, '-');
  if (!t.endsWith('%')) return null;
  const p = parseDec(t.slice(0, -1));
  if (!p) return null;
  const m = sub(ONE, { n: -p.n, scale: p.scale + 2 });
  return m.n > 0n ? decToString(m) : null;
}
