// The few money sums the pay dialog needs (remaining due, change, quick cash
// amounts), done exactly in integer minor units (cents) with BigInt. Money
// never becomes a JS number: 0.1 + 0.2 is not 0.3, and a till must not be
// a cent out. Everything else the UI shows comes computed from the core.

import type { Money } from './types';

const PLAIN_AMOUNT = /^(-)?(\d*)(?:\.(\d*))?$/;

/**
 * Parses "12", "12.5" or "12.50" into minor units, or null when the text is
 * not a plain amount or has more decimals than the currency allows. The
 * core validates again; this only drives the live display.
 */
export function toMinor(text: Money, minorUnits: number): bigint | null {
  const m = PLAIN_AMOUNT.exec(text.trim());
  if (!m) return null;
  const [, minus, whole = '', frac = ''] = m;
  if (whole === '' && frac === '') return null;
  if (frac.replace(/0+$/, '').length > minorUnits) return null;
  const digits = (whole || '0') + frac.padEnd(minorUnits, '0').slice(0, minorUnits);
  const value = BigInt(digits);
  return minus ? -value : value;
}

/** Formats minor units as the core does: "57.50", "-0.05", "1200" for JPY. */
export function fromMinor(minor: bigint, minorUnits: number): Money {
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
export function padMinor(text: Money, minorUnits: number): Money {
  const minor = toMinor(text, minorUnits);
  return minor === null ? text : fromMinor(minor, minorUnits);
}

/** The number of decimals of an amount as sent by the core ("57.50" -> 2). */
export function scaleOf(amount: Money): number {
  const dot = amount.indexOf('.');
  return dot < 0 ? 0 : amount.length - dot - 1;
}

/** True when an amount from the core is exactly zero ("0.00", "-0.00"). */
export function isZero(amount: Money): boolean {
  return /^-?0*(\.0*)?$/.test(amount.trim());
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
