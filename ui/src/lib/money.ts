// The few money sums the pay dialog needs (remaining due, change, quick cash
// amounts), done exactly in integer minor units (cents) with BigInt. Money
// never becomes a JS number: 0.1 + 0.2 is not 0.3, and a till must not be
// a cent out. Everything else the UI shows comes computed from the core.

import { parseDec } from './decimal';

/**
 * Parses "12", "12.5" or "12.50" into minor units, or null when the text is
 * not a plain amount (as `parseDec` reads it) or has more decimals than the
 * currency allows. The core validates again; this only drives the live
 * display.
 */
export function toMinor(text: string, minorUnits: number): bigint | null {
  const d = parseDec(text);
  if (!d) return null;
  if (d.scale <= minorUnits) return d.n * 10n ** BigInt(minorUnits - d.scale);
  // More decimals than the currency has: fine only when the extra ones are zeros.
  const extra = 10n ** BigInt(d.scale - minorUnits);
  return d.n % extra === 0n ? d.n / extra : null;
}

/** Formats minor units as the core does: "57.50", "-0.05", "1200" for JPY. */
export function fromMinor(minor: bigint, minorUnits: number): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(minorUnits + 1, '0');
  const whole = digits.slice(0, digits.length - minorUnits);
  const frac = digits.slice(digits.length - minorUnits);
  return (negative ? '-' : '') + whole + (minorUnits > 0 ? '.' + frac : '');
}

/**
 * An amount padded to the currency's minor unit ("29" -> "29.00"), for
 * figures that are not rounded money already (a plan's price as the tiers
 * document writes it); as given when it has more decimals than that.
 */
export function padMinor(text: string, minorUnits: number): string {
  const minor = toMinor(text, minorUnits);
  return minor === null ? text : fromMinor(minor, minorUnits);
}

/** The number of decimals of an amount as sent by the core ("57.50" -> 2; 0 for text that is not a number). */
export function scaleOf(amount: string): number {
  return parseDec(amount)?.scale ?? 0;
}

/** True when an amount from the core is exactly zero ("0.00", "-0.00"); false for text that is not a number. */
export function isZero(amount: string): boolean {
  return parseDec(amount)?.n === 0n;
}

/** The smallest multiple of `step` whole units that is at least `minor`. */
export function roundUpTo(minor: bigint, stepWholeUnits: number, minorUnits: number): bigint {
  const step = BigInt(stepWholeUnits) * 10n ** BigInt(minorUnits);
  if (minor <= 0n) return step;
  return ((minor + step - 1n) / step) * step;
}

/** A whole number of currency units in minor units (20 -> 2000 for EUR). */
export function wholeUnits(units: number, minorUnits: number): bigint {
  return BigInt(units) * 10n ** BigInt(minorUnits);
}
