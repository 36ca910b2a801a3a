//! Regression tests for inputs the fuzz targets in `fuzz/` found: each one
//! used to panic (or hang); now it must end in output or an error. Inputs
//! are minimised from the crash artifacts.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod engine_support;

use engine_support::render;

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

/// A map made to contain itself (`set $m "self" $m`): walks that Go survives
/// give Helm's results (its JSON encoder detects the cycle, so `toYaml` and
/// `toJson` swallow the error into ""), and nothing may overflow the stack
/// or hang. Expected texts from helm-oracle 3.10.1.
#[test]
fn self_containing_map_walks() {
    let out = render(concat!(
        r#"{{- $m := dict "a" 1 }}{{- $_ := set $m "self" $m }}"#,
        "y: {{ toYaml $m | quote }}\n",
        "j: {{ toJson $m | quote }}\n",
        "p: {{ toPrettyJson $m | quote }}\n",
        "l: {{ len $m }}\n",
        "r: {{ range $k, $v := $m }}{{ $k }},{{ end }}\n",
        "de: {{ deepEqual $m $m }}\n",
        r#"de2: {{ deepEqual $m (dict "a" 1 "self" $m) }}"#,
        "\n",
        r#"hk: {{ hasKey $m.self.self "a" }}"#,
        "\n",
        "k: {{ keys $m | sortAlpha }}\n",
        "typ: {{ typeOf $m.self }}\n",
        "mo: {{ mergeOverwrite (dict) $m | len }}\n",
    ))
    .unwrap();
    assert_eq!(
        out,
        "y: \"\"\nj: \"\"\np: \"\"\nl: 2\nr: a,self,\nde: true\nde2: true\nhk: true\nk: [a self]\n\
         typ: map[string]interface {}\nmo: 2\n"
    );
    for f in [
        "mustToJson",
        "mustToPrettyJson",
        "toRawJson",
        "mustToRawJson",
    ] {
        let err = render(&format!(
            r#"{{{{ $m := dict }}}}{{{{ $_ := set $m "s" $m }}}}{{{{ {f} $m }}}}"#
        ))
        .unwrap_err();
        assert!(
            err.ends_with(&format!(
                "error calling {f}: json: unsupported value: encountered a cycle via map[string]interface {{}}"
            )),
            "{f}: {err}"
        );
    }
}

/// Where Go itself overflows its stack on a self-containing map (`%v`
/// printing, `toToml`, `deepCopy`, `merge` of the map into itself), we end
/// in an error that names the cycle instead.
#[test]
fn self_containing_map_go_overflows() {
    let mut bad = Vec::new();
    for expr in [
        "print $m",
        r#"printf "%v" $m"#,
        "$m",
        "toToml $m",
        "deepCopy $m",
        "mustDeepCopy $m",
        "merge $m $m",
        "mergeOverwrite $m $m",
        r#"list $m | toString"#,
        // Sprig's strval/strslice print with fmt too.
        "cat $m",
        "cat 1 (list $m)",
        "quote $m",
        "squote $m",
        r#"join "," (list $m)"#,
        r#"list "a" $m | join ",""#,
        "toStrings (list $m)",
        "sortAlpha (list $m)",
        "sortAlpha $m",
        "dict $m 1",
        "toDecimal $m",
        // `eq` prints an uncomparable operand with %v.
        "eq (list $m) 1",
        "html $m",
        "urlquery $m",
    ] {
        let tpl = format!(
            r#"{{{{ $m := dict "a" 1 }}}}{{{{ $_ := set $m "self" $m }}}}{{{{ {expr} }}}}"#
        );
        match render(&tpl) {
            Err(e) if e.contains("contains itself") => {}
            other => bad.push(format!("{expr}: {other:?}")),
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Sprig's `toRawJson` panics on an encoding error where Helm's `toJson`
/// returns "": we used to return "" for both (found with the cycle seeds).
/// Expected text from helm-oracle 3.10.1.
#[test]
fn to_raw_json_encoding_error() {
    let err = render(r#"{{ toRawJson (list (float64 "NaN")) }}"#).unwrap_err();
    assert!(
        err.ends_with("error calling toRawJson: json: unsupported value: NaN"),
        "{err}"
    );
    assert_eq!(
        render(r#"{{ toJson (list (float64 "NaN")) | quote }}"#).unwrap(),
        r#""""#
    );
}
