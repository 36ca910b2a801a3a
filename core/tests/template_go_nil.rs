//! Go nil slices through the whole engine (the Sprig case files cannot use
//! Go's builtins `printf`/`len`): `fromJsonArray "null"`, `rest`/`initial`
//! of an empty list and `concat` of nothing give a nil `[]interface{}`,
//! which reads as empty but prints `[]interface {}(nil)` with `%#v`.
//! Expected texts from helm-oracle 3.10.1 (`helm template`).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod engine_support;

use engine_support::render;

#[test]
fn nil_slices_print_like_go() {
    let cases = [
        (
            r#"{{ printf "%#v" (fromJsonArray "null") }}"#,
            "[]interface {}(nil)",
        ),
        (r#"{{ printf "%#v" (concat) }}"#, "[]interface {}(nil)"),
        (
            r#"{{ printf "%v|%#v" (rest (list 1)) (rest (list 1)) }}"#,
            "[]|[]interface {}{}",
        ),
        (
            "{{ len (rest (list)) }}{{ empty (rest (list)) }}{{ typeOf (rest (list)) }}",
            "0true[]interface {}",
        ),
        (
            r#"{{ range fromJsonArray "null" }}x{{ else }}none{{ end }}|{{ fromJsonArray "null" }}"#,
            "none|[]",
        ),
    ];
    for (tpl, want) in cases {
        assert_eq!(render(tpl).as_deref(), Ok(want), "{tpl}");
    }
}
