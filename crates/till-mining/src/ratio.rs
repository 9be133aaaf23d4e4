use std::fmt;
use std::str::FromStr;

/// An exact non-negative fraction `num/den`, kept in lowest terms. Thresholds
/// are compared with it in integer arithmetic only (`u128`, no overflow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: u64,
    den: u64,
}

/// A string that is not a plain non-negative decimal or fraction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a non-negative decimal or fraction: {0:?}")]
pub struct ParseRatioError(pub String);

impl Ratio {
    /// `num/den`, reduced; `None` when `den` is 0.
    pub fn new(num: u64, den: u64) -> Option<Self> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den);
        Some(Self {
            num: num / g,
            den: den / g,
        })
    }

    pub fn numer(&self) -> u64 {
        self.num
    }

    pub fn denom(&self) -> u64 {
        self.den
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.num == 0
    }

    pub(crate) fn exceeds_one(&self) -> bool {
        self.num > self.den
    }

    /// Whether `part / whole >= self`, exactly: `part * den >= num * whole`.
    pub fn is_met_by(&self, part: u64, whole: u64) -> bool {
        u128::from(part) * u128::from(self.den) >= u128::from(self.num) * u128::from(whole)
    }

    /// `ceil(self * n)`, exactly, saturating at `u64::MAX`: the smallest
    /// `count` with `count / n >= self` (for `self <= 1` it is at most `n`).
    pub(crate) fn ceil_mul(&self, n: u64) -> u64 {
        let num = u128::from(self.num) * u128::from(n);
        let den = u128::from(self.den);
        u64::try_from(num.div_ceil(den)).unwrap_or(u64::MAX)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

impl FromStr for Ratio {
    type Err = ParseRatioError;

    /// Accepts a plain decimal (`"0.005"`, `"1"`, `".5"`, `"2."`, at most
    /// 19 significant fractional digits) or a fraction of two integers
    /// (`"1/3"`). No sign, exponent or whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseRatioError(s.to_owned());
        if let Some((num, den)) = s.split_once('/') {
            let num = parse_digits(num).ok_or_else(err)?;
            let den = parse_digits(den).ok_or_else(err)?;
            return Self::new(num, den).ok_or_else(err);
        }
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() && frac.is_empty() {
            return Err(err());
        }
        let int = if int.is_empty() {
            0
        } else {
            parse_digits(int).ok_or_else(err)?
        };
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let frac = frac.trim_end_matches('0');
        let den = u32::try_from(frac.len())
            .ok()
            .and_then(|digits| 10u64.checked_pow(digits))
            .ok_or_else(err)?;
        let frac = if frac.is_empty() {
            0
        } else {
            parse_digits(frac).ok_or_else(err)?
        };
        let num = int
            .checked_mul(den)
            .and_then(|n| n.checked_add(frac))
            .ok_or_else(err)?;
        Self::new(num, den).ok_or_else(err)
    }
}

/// A non-empty run of ASCII digits that fits in `u64`.
fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Option<(u64, u64)> {
        s.parse::<Ratio>().ok().map(|r| (r.numer(), r.denom()))
    }

    #[test]
    fn parses_decimals_exactly() {
        assert_eq!(r("0.005"), Some((1, 200)));
        assert_eq!(r("0.2"), Some((1, 5)));
        assert_eq!(r("1"), Some((1, 1)));
        assert_eq!(r("1.000"), Some((1, 1)));
        assert_eq!(r(".5"), Some((1, 2)));
        assert_eq!(r("2."), Some((2, 1)));
        assert_eq!(r("0"), Some((0, 1)));
        assert_eq!(
            r("0.0000000000000000001"),
            Some((1, 10_000_000_000_000_000_000))
        );
        assert_eq!(r("0.10000000000000000000000000"), Some((1, 10)));
        assert_eq!(r("2/10"), Some((1, 5)));
        assert_eq!(r("0/7"), Some((0, 1)));
        for bad in [
            "",
            ".",
            "-0.1",
            "+0.1",
            "1e-3",
            " 0.1",
            "0.1 ",
            "0,1",
            "1/0",
            "/3",
            "3/",
            "0.00000000000000000001",
            "abc",
            "0x1",
        ] {
            assert_eq!(r(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn compares_exactly() {
        let fifth: Ratio = "0.2".parse().unwrap();
        assert!(fifth.is_met_by(2, 10));
        assert!(!fifth.is_met_by(1, 10));
        assert!(!fifth.is_met_by(19_999, 100_000));
        assert_eq!(fifth.ceil_mul(10), 2);
        assert_eq!(fifth.ceil_mul(11), 3);
        let s: Ratio = "0.002".parse().unwrap();
        assert_eq!(s.ceil_mul(88_162), 177);
        assert!(s.is_met_by(u64::MAX, u64::MAX));
    }
}
