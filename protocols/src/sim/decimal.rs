//! Numbers as text without core's float formatting, which ships about 8 KB gzipped of
//! wasm (Grisu and Dragon4, shortest and exact, with their tables) for what the lab writes:
//! tenths of seconds, percentages and slider values. Both write character for character
//! what `format!` writes, so the change is invisible; the tests below compare them.

use std::fmt;

/// `x` with `decimals` (at most 3) digits after the point, as `format!("{x:.decimals$}")`
/// writes it: the exact binary value rounded half to even, a `-` on every negative value
/// (so `-0.0`), `inf`, `-inf` and `NaN`. Width, fill and alignment apply as to a string
/// (`{:0>4}` pads a non-negative value as `{:04.1}` does).
pub struct Fixed(pub f64, pub u32);

/// `x` as `format!("{x}")` writes it: the shortest digits that read back as `x`, never an
/// exponent (`1e21` is `1000000000000000000000`), `-0`, `inf`, `-inf` and `NaN`. The digits
/// come from zmij, which the download has anyway to write JSON (see [`super::json`]); where
/// `x` lies exactly halfway between two shortest candidates, zmij picks the even one and core
/// the one further from zero, as here.
pub struct Shortest(pub f64);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.pad(&self.text())
    }
}

impl fmt::Display for Shortest {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.pad(&self.text())
    }
}

/// "NaN", "inf" or "-inf" for a value that is not finite.
fn non_finite(x: f64) -> Option<String> {
    match () {
        _ if x.is_nan() => Some("NaN".into()),
        _ if x.is_infinite() => Some(if x < 0.0 { "-inf" } else { "inf" }.into()),
        _ => None,
    }
}

fn sign(x: f64) -> &'static str {
    if x.is_sign_negative() { "-" } else { "" }
}

/// `(mantissa, exp)` with |x| = mantissa × 2^exp exactly, for a finite `x`.
fn parts(x: f64) -> (u64, i64) {
    let bits = x.to_bits();
    let (biased, fraction) = ((bits >> 52) & 0x7ff, bits & ((1 << 52) - 1));
    if biased == 0 { (fraction, -1074) } else { (fraction | 1 << 52, biased as i64 - 1075) }
}

/// Whether |x| is exactly `digits` × 10^`exp10`, for `digits` below 2^60.
fn is_exactly(x: f64, digits: u64, exp10: i64) -> bool {
    let (mantissa, exp2) = parts(x);
    // mantissa × 2^exp2 has at most 53 significant bits, so a power of 5 beyond 5^26 on
    // either side can never be matched (5^23 > 2^53, 5^26 > 2^60).
    if exp10.unsigned_abs() > 26 {
        return false;
    }
    let five = 5u128.pow(exp10.unsigned_abs() as u32);
    let (left, right) =
        if exp10 < 0 { (mantissa as u128 * five, digits as u128) } else { (mantissa as u128, digits as u128 * five) };
    // left × 2^exp2 == right × 2^exp10
    let times_pow2 = |v: u128, s: i64| if s >= 128 { None } else { v.checked_mul(1 << s) };
    let shift = exp2 - exp10;
    if shift >= 0 { times_pow2(left, shift) == Some(right) } else { times_pow2(right, -shift) == Some(left) }
}

impl Fixed {
    fn text(&self) -> String {
        let Fixed(x, decimals) = *self;
        assert!(decimals <= 3, "Fixed writes at most 3 decimals");
        if let Some(text) = non_finite(x) {
            return text;
        }
        let (mantissa, exp) = parts(x);
        // The decimal digits of |x| × 10^decimals, rounded to a whole number.
        let mut digits = if exp >= 0 {
            // A whole number of 2^52 or more (exp ≤ 971): double its decimal digits (least
            // significant first) exp times, then append the zero decimals.
            let mut digits: Vec<u8> = mantissa.to_string().bytes().rev().map(|b| b - b'0').collect();
            for _ in 0..exp {
                let mut carry = 0;
                for d in &mut digits {
                    let doubled = *d * 2 + carry;
                    (*d, carry) = (doubled % 10, doubled / 10);
                }
                if carry > 0 {
                    digits.push(carry);
                }
            }
            let mut text: String = digits.iter().rev().map(|&d| char::from(b'0' + d)).collect();
            text.extend((0..decimals).map(|_| '0'));
            text
        } else {
            // mantissa × 10^decimals < 2^53 × 2^10; divide by 2^-exp, rounding half to even.
            let scaled = mantissa * 10u64.pow(decimals);
            let shift = exp.unsigned_abs();
            let rounded = if shift >= 64 {
                0 // scaled < 2^63: less than half of 2^shift
            } else {
                let (quotient, rest, half) = (scaled >> shift, scaled & ((1 << shift) - 1), 1 << (shift - 1));
                quotient + u64::from(rest > half || (rest == half && quotient % 2 == 1))
            };
            rounded.to_string()
        };
        let decimals = decimals as usize;
        if decimals > 0 {
            if digits.len() <= decimals {
                digits.insert_str(0, &"0".repeat(decimals + 1 - digits.len()));
            }
            digits.insert(digits.len() - decimals, '.');
        }
        format!("{}{digits}", sign(x))
    }
}

impl Shortest {
    fn text(&self) -> String {
        let x = self.0;
        if let Some(text) = non_finite(x) {
            return text;
        }
        // zmij writes "1.0", "0.001", "1.25e-7" or "1e+21" (and a leading "-").
        let mut buffer = zmij::Buffer::new();
        let written = buffer.format_finite(x);
        let unsigned = written.trim_start_matches('-');
        let (mantissa, exp) = unsigned.split_once('e').unwrap_or((unsigned, "0"));
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits = format!("{whole}{fraction}");
        let significant = digits.trim_start_matches('0');
        // The point stands after `point` digits of `significant` (before them if negative).
        let point = whole.len() as i64 - (digits.len() - significant.len()) as i64 + exp.parse::<i64>().unwrap_or(0);
        let mut significant = significant.trim_end_matches('0').to_owned();
        let len = significant.len() as i64;
        // A tie: x is exactly halfway between this candidate (even) and the next one up
        // (at most 17 digits, so the halfway point has 18, below 2^60).
        if let Ok(n) = significant.parse::<u64>()
            && n % 2 == 0
            && is_exactly(x, n * 10 + 5, point - len - 1)
        {
            significant = (n + 1).to_string();
        }
        let text = match () {
            _ if significant.is_empty() => "0".into(),
            _ if point <= 0 => format!("0.{}{significant}", "0".repeat(point.unsigned_abs() as usize)),
            _ if point >= len => format!("{significant}{}", "0".repeat((point - len) as usize)),
            _ => format!("{}.{}", &significant[..point as usize], &significant[point as usize..]),
        };
        format!("{}{text}", sign(x))
    }
}

#[cfg(test)]
mod tests {
    use super::{Fixed, Shortest};

    fn check(x: f64) {
        for d in 0..=3 {
            assert_eq!(Fixed(x, d).to_string(), format!("{x:.*}", d as usize), "{x:e} to {d} decimals");
        }
        assert_eq!(Shortest(x).to_string(), format!("{x}"), "{x:e}");
    }

    #[test]
    fn writes_what_core_writes() {
        let special =
            [0.0, -0.0, 0.05, 0.25, 0.35, 1.25, 2.5, -2.5, 0.125, 0.0625, 9.95, 99.95, 0.5, 1.5, -0.04, 0.1, 1e-7];
        let extremes =
            [f64::MAX, f64::MIN, f64::MIN_POSITIVE, 5e-324, 4503599627370496.5, 9007199254740993.0, 1e21, 1e300];
        for x in special.into_iter().chain(extremes).chain([f64::NAN, f64::INFINITY, f64::NEG_INFINITY]) {
            check(x);
        }
        // Every multiple of 1/4096 below 100 (with every tie at up to three decimals there),
        // every power of two, random bit patterns and random sizes.
        for k in 0..400_000u32 {
            check(f64::from(k) / 4096.0);
        }
        for e in -1074..1024 {
            check(2f64.powi(e));
        }
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for i in 0..300_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Huge whole numbers are slow to write exactly: fewer of those.
            if i % 16 == 0 {
                check(f64::from_bits(state));
            }
            check((state >> 11) as f64 / (1u64 << (state % 64)) as f64);
        }
        assert_eq!(format!("{:0>4}", Fixed(5.04, 1)), "05.0");
    }
}
