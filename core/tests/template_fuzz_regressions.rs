//! Regression tests for inputs the fuzz targets in `fuzz/` found: each one
//! used to panic (or hang); now it must end in output or an error. Inputs
//! are minimised from the crash artifacts.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use chart_core::engine::host::HelmHost;
use chart_core::source::SourceId;
use chart_core::template::{Delims, TemplateSet, Value};

fn render(template: &str) -> Result<String, String> {
    let mut set = TemplateSet::new(chart_core::engine::helm_funcs());
    set.add("t", template, &Delims::default(), SourceId(0))
        .map_err(|e| e.to_string())?;
    set.execute("t", &Value::empty_map(), &mut HelmHost::default())
        .map(|r| r.output)
        .map_err(|e| e.to_string())
}

/// `toDate` with a `2006` layout element over a value whose byte 4 is inside
/// a multi-byte character sliced the string mid-character (fuzz finding).
/// Go consumes the four bytes and fails; `toDate` then gives the zero time.
/// Expected texts are from helm-oracle 3.10.1 (`helm template`).
#[test]
fn to_date_long_year_multibyte() {
    assert_eq!(
        render(r#"{{ toDate "2006" "202é" }}|{{ toDate "2006-01-02" "20€-01-02" }}"#).unwrap(),
        "0001-01-01 00:00:00 +0000 UTC|0001-01-01 00:00:00 +0000 UTC"
    );
    let err = render(r#"{{ mustToDate "2006" "202é" }}"#).unwrap_err();
    assert!(
        err.ends_with(
            r#"error calling mustToDate: parsing time "202\xc3\xa9" as "2006": cannot parse "\xa9" as "2006""#
        ),
        "{err}"
    );
    let err = render(r#"{{ mustToDate "2006-01-02" "20€-01-02" }}"#).unwrap_err();
    assert!(
        err.ends_with(
            r#"error calling mustToDate: parsing time "20\xe2\x82\xac-01-02" as "2006-01-02": cannot parse "\xac-01-02" as "2006""#
        ),
        "{err}"
    );
    // Go's time.quote escapes non-ASCII bytes in every part of the message.
    let err = render(r#"{{ mustToDate "2006-01-02" "2020-01-02x\"é" }}"#).unwrap_err();
    assert!(
        err.ends_with(
            r#"error calling mustToDate: parsing time "2020-01-02x\"\xc3\xa9": extra text: "x\"\xc3\xa9""#
        ),
        "{err}"
    );
}

/// `printf` with a precision above 65535 (Go allows up to 10⁶) panicked in
/// Rust's float formatter (fuzz finding). Digits beyond an f64's exact
/// decimal expansion are zeros. Expected texts from helm-oracle 3.10.1.
#[test]
fn printf_huge_float_precision() {
    let out = render(concat!(
        r#"a: {{ len (printf "%.70000f" 3.14159) }}"#,
        "\n",
        r#"b: {{ printf "%.70000f" 0.1 | trunc 70 }}"#,
        "\n",
        r#"c: {{ len (printf "%.70000e" 1.5) }}"#,
        "\n",
        r#"d: {{ printf "%.70000g" 0.1 }}"#,
        "\n",
        r#"e: {{ printf "%.70000e" 0.1 | trunc 70 }}"#,
    ))
    .unwrap();
    assert_eq!(
        out,
        "a: 70002\n\
         b: 0.10000000000000000555111512312578270211815834045410156250000000000000\n\
         c: 70006\n\
         d: 0.1000000000000000055511151231257827021181583404541015625\n\
         e: 1.00000000000000005551115123125782702118158340454101562500000000000000"
    );
}
