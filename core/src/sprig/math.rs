//! Arithmetic: int64 math with Go's wrapping and panics (`add sub mul div
//! mod add1 max min biggest randInt`), float math through shopspring
//! decimal as Sprig does (`addf subf mulf divf add1f` — so `addf 1.1 2.2` is
//! 3.3, not 3.3000000000000003), `maxf minf ceil floor round`, and the
//! sequence builders `seq until untilStep`.

use rand::RngExt;

use super::conversion::{to_float64, to_int64};
use super::{arg, arg_int};
use crate::template::{Elem, FuncError, FuncResult, FuncTable, Signature, Ty, Value};

pub fn register(t: &mut FuncTable) {
    use Ty::*;
    t.add("add1", Signature::fixed(&[Any]), |a| {
        Ok(Value::Int64(to_int64(arg(a, 0)).wrapping_add(1)))
    });
    t.add("add", Signature::variadic(&[], Any), |a| {
        Ok(Value::Int64(
            a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v))),
        ))
    });
    t.add("sub", Signature::fixed(&[Any, Any]), |a| {
        Ok(Value::Int64(
            to_int64(arg(a, 0)).wrapping_sub(to_int64(arg(a, 1))),
        ))
    });
    t.add("div", Signature::fixed(&[Any, Any]), |a| {
        let (x, y) = (to_int64(arg(a, 0)), to_int64(arg(a, 1)));
        if y == 0 {
            return Err(divide_by_zero());
        }
        Ok(Value::Int64(x.wrapping_div(y)))
    });
    t.add("mod", Signature::fixed(&[Any, Any]), |a| {
        let (x, y) = (to_int64(arg(a, 0)), to_int64(arg(a, 1)));
        if y == 0 {
            return Err(divide_by_zero());
        }
        Ok(Value::Int64(x.wrapping_rem(y)))
    });
    t.add("mul", Signature::variadic(&[Any], Any), |a| {
        Ok(Value::Int64(
            a.iter()
                .skip(1)
                .fold(to_int64(arg(a, 0)), |acc, v| acc.wrapping_mul(to_int64(v))),
        ))
    });
    t.add("randInt", Signature::fixed(&[Int, Int]), |a| {
        let (min, max) = (arg_int(a, 0)?, arg_int(a, 1)?);
        let n = max.wrapping_sub(min);
        if n <= 0 {
            return Err(FuncError::new("invalid argument to Intn"));
        }
        Ok(Value::Int(rand::rng().random_range(0..n).wrapping_add(min)))
    });
    t.add("max", Signature::variadic(&[Any], Any), int_max);
    t.add("biggest", Signature::variadic(&[Any], Any), int_max);
    t.add("min", Signature::variadic(&[Any], Any), |a| {
        Ok(Value::Int64(
            a.iter()
                .skip(1)
                .map(to_int64)
                .fold(to_int64(arg(a, 0)), i64::min),
        ))
    });
    t.add("maxf", Signature::variadic(&[Any], Any), |a| {
        Ok(Value::Float(
            a.iter()
                .skip(1)
                .map(to_float64)
                .fold(to_float64(arg(a, 0)), go_max),
        ))
    });
    t.add("minf", Signature::variadic(&[Any], Any), |a| {
        Ok(Value::Float(
            a.iter()
                .skip(1)
                .map(to_float64)
                .fold(to_float64(arg(a, 0)), go_min),
        ))
    });
    t.add("ceil", Signature::fixed(&[Any]), |a| {
        Ok(Value::Float(to_float64(arg(a, 0)).ceil()))
    });
    t.add("floor", Signature::fixed(&[Any]), |a| {
        Ok(Value::Float(to_float64(arg(a, 0)).floor()))
    });
    t.add("round", Signature::variadic(&[Any, Int], Float64), round);
    t.add("add1f", Signature::fixed(&[Any]), |a| {
        decimal_op(to_float64(arg(a, 0)), &[Value::Int(1)], DecOp::Add)
    });
    t.add("addf", Signature::variadic(&[], Any), |a| {
        decimal_op(0.0, a, DecOp::Add)
    });
    t.add("subf", Signature::variadic(&[Any], Any), |a| {
        decimal_op(to_float64(arg(a, 0)), a.get(1..).unwrap_or(&[]), DecOp::Sub)
    });
    t.add("mulf", Signature::variadic(&[Any], Any), |a| {
        decimal_op(to_float64(arg(a, 0)), a.get(1..).unwrap_or(&[]), DecOp::Mul)
    });
    t.add("divf", Signature::variadic(&[Any], Any), |a| {
        decimal_op(to_float64(arg(a, 0)), a.get(1..).unwrap_or(&[]), DecOp::Div)
    });
    t.add("until", Signature::fixed(&[Int]), |a| {
        let n = arg_int(a, 0)?;
        Ok(int_list(until_step(0, n, if n < 0 { -1 } else { 1 })))
    });
    t.add("untilStep", Signature::fixed(&[Int, Int, Int]), |a| {
        Ok(int_list(until_step(
            arg_int(a, 0)?,
            arg_int(a, 1)?,
            arg_int(a, 2)?,
        )))
    });
    t.add("seq", Signature::variadic(&[], Int), seq);
}

fn divide_by_zero() -> FuncError {
    FuncError::new("runtime error: integer divide by zero")
}

fn int_max(a: &[Value]) -> FuncResult {
    Ok(Value::Int64(
        a.iter()
            .skip(1)
            .map(to_int64)
            .fold(to_int64(arg(a, 0)), i64::max),
    ))
}

/// Go `math.Max` (NaN-propagating, +Inf-dominant, +0 over -0).
fn go_max(x: f64, y: f64) -> f64 {
    if x == f64::INFINITY || y == f64::INFINITY {
        f64::INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && x == y {
        if x.is_sign_negative() { y } else { x }
    } else if x > y {
        x
    } else {
        y
    }
}

/// Go `math.Min`.
fn go_min(x: f64, y: f64) -> f64 {
    if x == f64::NEG_INFINITY || y == f64::NEG_INFINITY {
        f64::NEG_INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && x == y {
        if x.is_sign_negative() { x } else { y }
    } else if x < y {
        x
    } else {
        y
    }
}

/// Sprig `round(a, places, roundOn=.5)`.
fn round(a: &[Value]) -> FuncResult {
    let val = to_float64(arg(a, 0));
    let places = arg_int(a, 1)? as f64;
    let round_on = match a.get(2) {
        Some(v) => to_float64(v),
        None => 0.5,
    };
    let pow = 10f64.powf(places);
    let digit = pow * val;
    let frac = digit.fract();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    Ok(Value::Float(r / pow))
}

fn int_list(v: Vec<i64>) -> Value {
    Value::typed_list(Elem::Int, v.into_iter().map(Value::Int).collect())
}

/// Sprig `untilStep`.
pub(crate) fn until_step(start: i64, stop: i64, step: i64) -> Vec<i64> {
    let mut v = Vec::new();
    if stop < start {
        if step >= 0 {
            return v;
        }
        let mut i = start;
        while i > stop {
            v.push(i);
            i += step;
        }
        return v;
    }
    if step <= 0 {
        return v;
    }
    let mut i = start;
    while i < stop {
        v.push(i);
        match i.checked_add(step) {
            Some(n) => i = n,
            None => break,
        }
    }
    v
}

/// Sprig `seq`: like GNU seq, space-separated.
fn seq(a: &[Value]) -> FuncResult {
    let p: Vec<i64> = a.iter().map(super::conversion::to_int64).collect();
    let nums = match p.as_slice() {
        [end] => {
            let inc = if *end < 1 { -1 } else { 1 };
            until_step(1, end + inc, inc)
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(*start, end + step, step)
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if *step > 0 {
                    return Ok(Value::str(""));
                }
            }
            until_step(*start, end + inc, *step)
        }
        _ => Vec::new(),
    };
    let parts: Vec<String> = nums.iter().map(i64::to_string).collect();
    Ok(Value::from_string(parts.join(" ")))
}

// ---- shopspring decimal, as far as Sprig uses it --------------------------------

/// An exact decimal `mant × 10^exp`; `None` mantissa means "too big for
/// our fixed width", where we fall back to plain float arithmetic.
#[derive(Clone, Copy, Debug)]
struct Dec {
    mant: i128,
    exp: i32,
}

const DIVISION_PRECISION: i32 = 16;

impl Dec {
    /// `decimal.NewFromFloat`: the shortest decimal that round-trips.
    fn from_f64(f: f64) -> Option<Dec> {
        if !f.is_finite() {
            return None;
        }
        let s = format!("{f:e}");
        let (m, e) = s.split_once('e')?;
        let e: i32 = e.parse().ok()?;
        let neg = m.starts_with('-');
        let digits: String = m.chars().filter(char::is_ascii_digit).collect();
        let frac_len = m.split_once('.').map_or(0, |(_, f)| f.len()) as i32;
        let mant: i128 = digits.parse().ok()?;
        Some(Dec {
            mant: if neg { -mant } else { mant },
            exp: e - frac_len,
        })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.mant, self.exp)
            .parse()
            .unwrap_or(f64::NAN)
    }

    /// Both operands at the smaller exponent.
    fn align(a: Dec, b: Dec) -> Option<(i128, i128, i32)> {
        let exp = a.exp.min(b.exp);
        let scale = |d: Dec| -> Option<i128> {
            let shift = u32::try_from(d.exp - exp).ok()?;
            d.mant.checked_mul(10i128.checked_pow(shift)?)
        };
        Some((scale(a)?, scale(b)?, exp))
    }

    fn add(a: Dec, b: Dec) -> Option<Dec> {
        let (x, y, exp) = Dec::align(a, b)?;
        Some(Dec {
            mant: x.checked_add(y)?,
            exp,
        })
    }

    fn sub(a: Dec, b: Dec) -> Option<Dec> {
        let (x, y, exp) = Dec::align(a, b)?;
        Some(Dec {
            mant: x.checked_sub(y)?,
            exp,
        })
    }

    fn mul(a: Dec, b: Dec) -> Option<Dec> {
        Some(Dec {
            mant: a.mant.checked_mul(b.mant)?,
            exp: a.exp.checked_add(b.exp)?,
        })
    }

    /// `Div`: quotient to 16 places after the point, remainder rounded half
    /// away from zero (shopspring `DivRound`). Division by zero is caught
    /// by the caller.
    fn div(a: Dec, b: Dec) -> Option<Dec> {
        // q = a/b × 10^16 = a.mant × 10^(a.exp − b.exp + 16) / b.mant
        let k = a.exp - b.exp + DIVISION_PRECISION;
        let (num, den) = if k >= 0 {
            (a.mant.checked_mul(10i128.checked_pow(k as u32)?)?, b.mant)
        } else {
            (
                a.mant,
                b.mant.checked_mul(10i128.checked_pow((-k) as u32)?)?,
            )
        };
        let mut q = num / den;
        let r = num % den;
        if r != 0 && r.checked_abs()?.checked_mul(2)? >= den.checked_abs()? {
            if (num < 0) != (den < 0) {
                q -= 1;
            } else {
                q += 1;
            }
        }
        Some(Dec {
            mant: q,
            exp: -DIVISION_PRECISION,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DecOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl DecOp {
    fn exact(self, a: Dec, b: Dec) -> Option<Dec> {
        match self {
            DecOp::Add => Dec::add(a, b),
            DecOp::Sub => Dec::sub(a, b),
            DecOp::Mul => Dec::mul(a, b),
            DecOp::Div => Dec::div(a, b),
        }
    }

    fn float(self, a: f64, b: f64) -> f64 {
        match self {
            DecOp::Add => a + b,
            DecOp::Sub => a - b,
            DecOp::Mul => a * b,
            DecOp::Div => a / b,
        }
    }
}

/// Sprig `execDecimalOp`: fold the operands through decimal arithmetic
/// (plain float arithmetic only where our 128-bit decimal would overflow).
fn decimal_op(first: f64, rest: &[Value], op: DecOp) -> FuncResult {
    let mut acc_f = first;
    let mut acc = Dec::from_f64(first);
    for v in rest {
        let x = to_float64(v);
        if op == DecOp::Div && x == 0.0 {
            return Err(FuncError::new("decimal division by 0"));
        }
        let exact = acc.zip(Dec::from_f64(x)).and_then(|(a, b)| op.exact(a, b));
        acc_f = match exact {
            Some(d) => d.to_f64(),
            None => op.float(acc_f, x),
        };
        acc = exact.or_else(|| Dec::from_f64(acc_f));
    }
    Ok(Value::Float(acc.map_or(acc_f, Dec::to_f64)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn dec(f: f64) -> Dec {
        Dec::from_f64(f).unwrap()
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        assert_eq!(Dec::add(dec(1.1), dec(2.2)).unwrap().to_f64(), 3.3);
        assert_eq!(Dec::mul(dec(1.1), dec(3.0)).unwrap().to_f64(), 3.3);
        assert_eq!(
            Dec::div(dec(1.0), dec(3.0)).unwrap().to_f64(),
            0.3333333333333333
        );
        assert_eq!(
            Dec::div(dec(2.0), dec(3.0)).unwrap().to_f64(),
            0.6666666666666667
        );
        assert_eq!(Dec::sub(dec(0.3), dec(0.1)).unwrap().to_f64(), 0.2);
    }

    #[test]
    fn until_step_like_sprig() {
        assert_eq!(until_step(0, 5, 2), vec![0, 2, 4]);
        assert_eq!(until_step(5, 0, -2), vec![5, 3, 1]);
        assert!(until_step(5, 0, 1).is_empty());
    }
}
