//! Random primes for RSA keys (`genCA`, `genPrivateKey`…), found fast.
//!
//! Key generation is nearly all prime search, and nearly all of the search is
//! rejecting composites. crypto-primes does that with constant-time
//! arithmetic on heap-sized integers, which made a 2048-bit key cost about a
//! third of Helm's time and a 4096-bit one about as much as Helm. Here a
//! candidate is sieved by the small primes, then must pass a base-2 strong
//! probable-prime test on fixed-size Montgomery arithmetic; a survivor then
//! gets crypto-primes' strong Lucas test, completing Baillie–PSW, which has
//! the last word.
//!
//! The arithmetic does the same work whatever the bits of the candidate (no
//! branch on the exponent, masked final subtraction), so it leaks no more
//! through timing than Go's `math/big`, which Helm uses.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use crypto_bigint::Odd;
use crypto_primes::hazmat::{AStarBase, LucasCheck, lucas_test};
use rand::RngExt;
use rsa::BoxedUint;

/// Small primes the sieve removes multiples of. Larger limits (2¹⁷, 2¹⁹)
/// measured no faster: a prime that large removes few candidates.
const SIEVE_LIMIT: u32 = 1 << 15;

/// Odd offsets examined per sieve window; a 1024-bit prime is expected
/// within ~355 odd numbers of a random start.
const WINDOW: usize = 4096;

/// `count` distinct random primes of exactly `bits` bits with the top two
/// bits set (so a product of two has exactly twice as many bits), searched
/// on two threads: the first `count` primes found by either are taken.
pub fn random_primes(bits: u32, count: usize) -> Result<Vec<BoxedUint>, String> {
    let found = Mutex::new(Vec::with_capacity(count));
    let stop = AtomicBool::new(false);
    let work = || search(bits, count, &found, &stop);
    let helper_result = std::thread::scope(|s| {
        // Without a second thread the search runs on this one alone.
        let helper = std::thread::Builder::new().spawn_scoped(s, work);
        let mine = work();
        let theirs = match helper {
            Ok(h) => h
                .join()
                .unwrap_or_else(|_| Err("prime search thread failed".into())),
            Err(_) => Ok(()),
        };
        mine.and(theirs)
    });
    helper_result?;
    let primes = found
        .into_inner()
        .map_err(|_| "prime search thread failed".to_string())?;
    Ok(primes)
}

/// Finds primes into `found` until it holds `count` (or `stop` is set).
fn search(
    bits: u32,
    count: usize,
    found: &Mutex<Vec<BoxedUint>>,
    stop: &AtomicBool,
) -> Result<(), String> {
    while !stop.load(Ordering::Relaxed) {
        let p = match bits {
            1024 => find::<16>(stop).map(BoxedUint::from_words),
            2048 => find::<32>(stop).map(BoxedUint::from_words),
            _ => return Err(format!("no prime search for {bits}-bit primes")),
        };
        let Some(p) = p else { break };
        // The base-2 strong test passed; Lucas completes Baillie–PSW.
        let Some(odd) = Option::<Odd<BoxedUint>>::from(Odd::new(p.clone())) else {
            continue;
        };
        if lucas_test(odd, AStarBase, LucasCheck::Bpsw21).is_composite() {
            continue;
        }
        let mut primes = found.lock().map_err(|_| "prime search thread failed")?;
        if primes.len() < count && !primes.contains(&p) {
            primes.push(p);
        }
        if primes.len() >= count {
            stop.store(true, Ordering::Relaxed);
        }
    }
    Ok(())
}

/// The odd primes below [`SIEVE_LIMIT`], by the sieve of Eratosthenes.
fn small_primes() -> &'static [u32] {
    static PRIMES: OnceLock<Vec<u32>> = OnceLock::new();
    PRIMES.get_or_init(|| {
        let n = SIEVE_LIMIT as usize;
        let mut composite = vec![false; n];
        let mut primes = Vec::new();
        for i in 3..n {
            if composite[i] || i % 2 == 0 {
                continue;
            }
            primes.push(i as u32);
            for j in (i * i..n).step_by(2 * i) {
                composite[j] = true;
            }
        }
        primes
    })
}

/// A number of `64·N` bits, top two bits set, that passes the sieve and the
/// base-2 strong probable-prime test; `None` once `stop` is set.
fn find<const N: usize>(stop: &AtomicBool) -> Option<[u64; N]> {
    let primes = small_primes();
    let mut rng = rand::rng();
    let mut composite = vec![false; WINDOW];
    loop {
        let mut base = [0u64; N];
        for limb in base.iter_mut() {
            *limb = rng.random();
        }
        base[N - 1] |= 0b11 << 62;
        base[0] |= 1;
        let mut residues: Vec<u32> = primes.iter().map(|&p| rem_small(&base, p)).collect();
        // Slide the window up until a prime turns up or the top bits would
        // change (then start again from a fresh random number).
        while base[N - 1] >> 62 == 0b11 {
            composite.fill(false);
            for (&p, &r) in primes.iter().zip(&residues) {
                // First k with base + 2k ≡ 0 (mod p): k ≡ -r · 2⁻¹.
                let half = u64::from(p).div_ceil(2);
                let mut k = ((u64::from(p - r) % u64::from(p)) * half % u64::from(p)) as usize;
                while k < WINDOW {
                    composite[k] = true;
                    k += p as usize;
                }
            }
            for (k, _) in composite.iter().enumerate().filter(|(_, c)| !**c) {
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
                let Some(candidate) = add_small(&base, 2 * k as u64) else {
                    break;
                };
                if candidate[N - 1] >> 62 == 0b11 && is_sprp2(&candidate) {
                    return Some(candidate);
                }
            }
            let step = 2 * WINDOW as u64;
            match add_small(&base, step) {
                Some(next) => base = next,
                None => break,
            }
            for (r, &p) in residues.iter_mut().zip(primes) {
                *r = ((u64::from(*r) + step) % u64::from(p)) as u32;
            }
        }
    }
}

/// `x mod p` for a small `p`, 16 bits at a time (each step's dividend fits
/// in 32 bits).
fn rem_small<const N: usize>(x: &[u64; N], p: u32) -> u32 {
    let mut r: u32 = 0;
    for &limb in x.iter().rev() {
        for shift in [48, 32, 16, 0] {
            let chunk = ((limb >> shift) & 0xffff) as u32;
            r = ((r << 16) | chunk) % p;
        }
    }
    r
}

/// `x + v`, or `None` if it overflows `64·N` bits.
fn add_small<const N: usize>(x: &[u64; N], v: u64) -> Option<[u64; N]> {
    let mut out = *x;
    let mut carry = v;
    for limb in out.iter_mut() {
        let (s, c) = limb.overflowing_add(carry);
        *limb = s;
        carry = u64::from(c);
        if carry == 0 {
            return Some(out);
        }
    }
    None
}

/// Is the odd `n` (top bit set) a strong probable prime to base 2?
fn is_sprp2<const N: usize>(n: &[u64; N]) -> bool {
    let m = Montgomery::new(n);
    // n − 1 = d · 2ˢ with d odd.
    let mut n_minus_1 = *n;
    n_minus_1[0] -= 1;
    let s = trailing_zeros(&n_minus_1);
    let one = m.one;
    let minus_one = sub(n, &one).0;
    // 2ᵈ, left to right over the bits of d: square, and double where a bit is set.
    let mut x = one;
    for i in (s..64 * N).rev() {
        x = m.mul(&x, &x);
        let bit = (n_minus_1[i / 64] >> (i % 64)) & 1;
        x = m.double_if(&x, bit);
    }
    if x == one || x == minus_one {
        return true;
    }
    for _ in 1..s {
        x = m.mul(&x, &x);
        if x == minus_one {
            return true;
        }
        if x == one {
            return false;
        }
    }
    false
}

fn trailing_zeros<const N: usize>(x: &[u64; N]) -> usize {
    let mut tz = 0;
    for &limb in x {
        if limb != 0 {
            return tz + limb.trailing_zeros() as usize;
        }
        tz += 64;
    }
    tz
}

/// `a − b` and the borrow out.
fn sub<const N: usize>(a: &[u64; N], b: &[u64; N]) -> ([u64; N], u64) {
    let mut out = [0u64; N];
    let mut borrow = 0u64;
    for i in 0..N {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(borrow);
        out[i] = d;
        borrow = u64::from(b1 | b2);
    }
    (out, borrow)
}

/// `take ? a : b` by mask, limb by limb.
fn select<const N: usize>(take: bool, a: &[u64; N], b: &[u64; N]) -> [u64; N] {
    let mask = u64::from(take).wrapping_neg();
    std::array::from_fn(|i| (a[i] & mask) | (b[i] & !mask))
}

/// Montgomery arithmetic modulo an odd `n` whose top bit is set, R = 2^(64·N).
struct Montgomery<'a, const N: usize> {
    n: &'a [u64; N],
    /// −n⁻¹ mod 2⁶⁴.
    n_inv: u64,
    /// R mod n: 1 in Montgomery form.
    one: [u64; N],
}

impl<'a, const N: usize> Montgomery<'a, N> {
    fn new(n: &'a [u64; N]) -> Self {
        // Newton's iteration doubles the correct low bits of n⁻¹ each step.
        let mut inv: u64 = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(n[0].wrapping_mul(inv)));
        }
        // With the top bit of n set, R − n < n, so R mod n = R − n = −n.
        let one = sub(&[0u64; N], n).0;
        Montgomery {
            n,
            n_inv: inv.wrapping_neg(),
            one,
        }
    }

    /// `a · b · R⁻¹ mod n` (CIOS), for `a, b < n`. (A dedicated squaring,
    /// row- or column-wise, measured no faster here.)
    fn mul(&self, a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        let n = self.n;
        let mut t = [0u64; N];
        let mut top = 0u64;
        for &ai in a {
            let mut carry = 0u64;
            for j in 0..N {
                (t[j], carry) = mac(ai, b[j], t[j], carry);
            }
            let (t_n, over) = top.overflowing_add(carry);
            let m = t[0].wrapping_mul(self.n_inv);
            let (_, mut carry) = mac(m, n[0], t[0], 0);
            for j in 1..N {
                (t[j - 1], carry) = mac(m, n[j], t[j], carry);
            }
            let (t_last, over2) = t_n.overflowing_add(carry);
            t[N - 1] = t_last;
            top = u64::from(over) + u64::from(over2);
        }
        // The result is below 2n; bring it below n.
        let (reduced, borrow) = sub(&t, n);
        select(top != 0 || borrow == 0, &reduced, &t)
    }

    /// `2x mod n` if `bit` is 1, else `x`, for `x < n`.
    fn double_if(&self, x: &[u64; N], bit: u64) -> [u64; N] {
        let mut doubled = [0u64; N];
        let mut carry = 0u64;
        for i in 0..N {
            doubled[i] = (x[i] << 1) | carry;
            carry = x[i] >> 63;
        }
        let (reduced, borrow) = sub(&doubled, self.n);
        let doubled = select(carry != 0 || borrow == 0, &reduced, &doubled);
        select(bit != 0, &doubled, x)
    }
}

/// `a · b + c + carry` as (low, high) words.
#[inline(always)]
fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let t = u128::from(a) * u128::from(b) + u128::from(c) + u128::from(carry);
    (t as u64, (t >> 64) as u64)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// RFC 2409's 1024-bit MODP prime (Oakley group 2), least significant limb first.
    const OAKLEY2: [u64; 16] = [
        0xFFFF_FFFF_FFFF_FFFF,
        0x49286651_ECE65381,
        0xAE9F2411_7C4B1FE6,
        0xEE386BFB_5A899FA5,
        0x0BFF5CB6_F406B7ED,
        0xF44C42E9_A637ED6B,
        0xE485B576_625E7EC6,
        0x4FE1356D_6D51C245,
        0x302B0A6D_F25F1437,
        0xEF9519B3_CD3A431B,
        0x514A0879_8E3404DD,
        0x020BBEA6_3B139B22,
        0x29024E08_8A67CC74,
        0xC4C6628B_80DC1CD1,
        0xC90FDAA2_2168C234,
        0xFFFF_FFFF_FFFF_FFFF,
    ];

    fn boxed<const N: usize>(x: &[u64; N]) -> BoxedUint {
        BoxedUint::from_words(x.to_vec())
    }

    #[test]
    fn known_prime_and_its_neighbours() {
        assert!(crypto_primes::is_prime(
            crypto_primes::Flavor::Any,
            &boxed(&OAKLEY2)
        ));
        assert!(is_sprp2(&OAKLEY2));
        // Odd numbers just below it: the base-2 test and Baillie–PSW agree.
        let mut x = OAKLEY2;
        for _ in 0..200 {
            x[0] -= 2;
            let bpsw = crypto_primes::is_prime(crypto_primes::Flavor::Any, &boxed(&x));
            assert_eq!(is_sprp2(&x), bpsw, "{x:x?}");
        }
    }

    #[test]
    fn base2_test_agrees_with_bpsw_on_random_numbers() {
        let mut rng = rand::rng();
        for _ in 0..400 {
            let mut x = [0u64; 16];
            for limb in x.iter_mut() {
                *limb = rng.random();
            }
            x[15] |= 1 << 63;
            x[0] |= 1;
            let bpsw = crypto_primes::is_prime(crypto_primes::Flavor::Any, &boxed(&x));
            assert_eq!(is_sprp2(&x), bpsw, "{x:x?}");
        }
    }

    #[test]
    fn montgomery_multiplication_matches_crypto_bigint() {
        let mut rng = rand::rng();
        check_mul(&OAKLEY2);
        let mut n = [0u64; 32];
        for limb in n.iter_mut() {
            *limb = rng.random();
        }
        n[0] |= 1;
        n[31] |= 1 << 63;
        check_mul(&n);
    }

    /// Products of random values, 0 and n − 1 (as Montgomery forms) agree
    /// with crypto-bigint's; so does doubling.
    fn check_mul<const N: usize>(n: &[u64; N]) {
        use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
        let mut rng = rand::rng();
        let m = Montgomery::new(n);
        let params = BoxedMontyParams::new(Odd::new(boxed(n)).expect("odd"));
        let form = |x: &[u64; N]| BoxedMontyForm::from_montgomery(boxed(x), &params);
        let mut n_minus_1 = *n;
        n_minus_1[0] -= 1;
        let mut values = vec![[0u64; N], n_minus_1];
        for _ in 0..30 {
            let mut a = [0u64; N];
            for limb in a.iter_mut() {
                *limb = rng.random();
            }
            a[N - 1] >>= 1;
            values.push(a);
        }
        for a in &values {
            for b in values.iter().step_by(3) {
                let theirs = (form(a) * form(b)).as_montgomery().clone();
                assert_eq!(boxed(&m.mul(a, b)), theirs);
            }
            let doubled = (form(a) + form(a)).as_montgomery().clone();
            assert_eq!(boxed(&m.double_if(a, 1)), doubled);
            assert_eq!(m.double_if(a, 0), *a);
        }
    }

    #[test]
    fn primes_have_the_asked_size_and_pass_bpsw() {
        let primes = random_primes(1024, 2).expect("primes");
        assert_eq!(primes.len(), 2);
        assert_ne!(primes[0], primes[1]);
        for p in &primes {
            assert_eq!(p.bit_width(), 1024);
            let words = p.as_words();
            assert_eq!(words[15] >> 62, 0b11);
            assert!(crypto_primes::is_prime(crypto_primes::Flavor::Any, p));
        }
        let big = random_primes(2048, 1).expect("prime");
        assert_eq!(big[0].bit_width(), 2048);
        assert!(crypto_primes::is_prime(crypto_primes::Flavor::Any, &big[0]));
        assert!(random_primes(1000, 1).is_err());
    }

    #[test]
    fn small_remainders() {
        let x = OAKLEY2;
        for &p in small_primes().iter().step_by(97) {
            // Horner over whole limbs in 128-bit arithmetic.
            let want = x.iter().rev().fold(0u128, |r, &limb| {
                ((r << 64) | u128::from(limb)) % u128::from(p)
            });
            assert_eq!(u128::from(rem_small(&x, p)), want);
        }
    }
}
