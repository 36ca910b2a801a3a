//! `--set` family grammar and typing, checked against Helm 3.10.1.
//!
//! Every expectation below was produced by the oracle (`helm template` of a
//! chart whose template prints `{{ toJson .Values }}` and
//! `{{ range $k, $v := .Values }}{{ $k }}={{ typeOf $v }};{{ end }}`), or is
//! the text after `Error: ` that Helm printed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chart_core::template::{Map, Value};
use chart_core::values::ValueOptions;

type Expect = Result<(&'static str, &'static str), &'static str>;

/// (flag, argument, expected JSON + top-level types, or Helm's error).
const CASES: &[(&str, &str, Expect)] = &[
    ("--set", "a=1", Ok(("{\"a\":1}", "a=int64;"))),
    (
        "--set",
        "a=true,b=false",
        Ok(("{\"a\":true,\"b\":false}", "a=bool;b=bool;")),
    ),
    (
        "--set",
        "a=TRUE,b=False,c=tRuE",
        Ok((
            "{\"a\":true,\"b\":false,\"c\":true}",
            "a=bool;b=bool;c=bool;",
        )),
    ),
    ("--set", "a=null", Ok(("{\"a\":null}", "a=<nil>;"))),
    (
        "--set",
        "a=NULL,b=Null",
        Ok(("{\"a\":null,\"b\":null}", "a=<nil>;b=<nil>;")),
    ),
    ("--set", "a=0", Ok(("{\"a\":0}", "a=int64;"))),
    ("--set", "a=00", Ok(("{\"a\":\"00\"}", "a=string;"))),
    ("--set", "a=012", Ok(("{\"a\":\"012\"}", "a=string;"))),
    ("--set", "a=-12", Ok(("{\"a\":-12}", "a=int64;"))),
    ("--set", "a=+12", Ok(("{\"a\":12}", "a=int64;"))),
    ("--set", "a=-0", Ok(("{\"a\":0}", "a=int64;"))),
    ("--set", "a=1.5", Ok(("{\"a\":\"1.5\"}", "a=string;"))),
    ("--set", "a=1e3", Ok(("{\"a\":\"1e3\"}", "a=string;"))),
    ("--set", "a=0x1F", Ok(("{\"a\":\"0x1F\"}", "a=string;"))),
    ("--set", "a=1_000", Ok(("{\"a\":\"1_000\"}", "a=string;"))),
    (
        "--set",
        "a=9223372036854775807",
        Ok(("{\"a\":9223372036854775807}", "a=int64;")),
    ),
    (
        "--set",
        "a=9223372036854775808",
        Ok(("{\"a\":\"9223372036854775808\"}", "a=string;")),
    ),
    (
        "--set",
        "a=-9223372036854775808",
        Ok(("{\"a\":-9223372036854775808}", "a=int64;")),
    ),
    ("--set", "a=", Ok(("{\"a\":\"\"}", "a=string;"))),
    (
        "--set",
        "a=,b=2",
        Ok(("{\"a\":\"\",\"b\":2}", "a=string;b=int64;")),
    ),
    (
        "--set",
        "a.b.c=1",
        Ok(("{\"a\":{\"b\":{\"c\":1}}}", "a=map[string]interface {};")),
    ),
    (
        "--set",
        "a.b=1,a.c=2",
        Ok(("{\"a\":{\"b\":1,\"c\":2}}", "a=map[string]interface {};")),
    ),
    (
        "--set",
        "a={1,2,3}",
        Ok(("{\"a\":[1,2,3]}", "a=[]interface {};")),
    ),
    (
        "--set",
        "a={a,true,null,0}",
        Ok(("{\"a\":[\"a\",true,null,0]}", "a=[]interface {};")),
    ),
    ("--set", "a={}", Ok(("{\"a\":[\"\"]}", "a=[]interface {};"))),
    (
        "--set",
        "a={x}",
        Ok(("{\"a\":[\"x\"]}", "a=[]interface {};")),
    ),
    (
        "--set",
        "a={1,2},b=3",
        Ok(("{\"a\":[1,2],\"b\":3}", "a=[]interface {};b=int64;")),
    ),
    (
        "--set",
        "a[0]=x",
        Ok(("{\"a\":[\"x\"]}", "a=[]interface {};")),
    ),
    (
        "--set",
        "a[2]=x",
        Ok(("{\"a\":[null,null,\"x\"]}", "a=[]interface {};")),
    ),
    (
        "--set",
        "a[0]=x,a[1]=y",
        Ok(("{\"a\":[\"x\",\"y\"]}", "a=[]interface {};")),
    ),
    (
        "--set",
        "a[1]=y,a[0]=x",
        Ok(("{\"a\":[\"x\",\"y\"]}", "a=[]interface {};")),
    ),
    (
        "--set",
        "a[0].b=1",
        Ok(("{\"a\":[{\"b\":1}]}", "a=[]interface {};")),
    ),
    (
        "--set",
        "a[0].b=1,a[0].c=2",
        Ok(("{\"a\":[{\"b\":1,\"c\":2}]}", "a=[]interface {};")),
    ),
    (
        "--set",
        "a[0][1]=z",
        Ok(("{\"a\":[[null,\"z\"]]}", "a=[]interface {};")),
    ),
    (
        "--set",
        "a[0][0][0]=deep",
        Ok(("{\"a\":[[[\"deep\"]]]}", "a=[]interface {};")),
    ),
    ("--set", "a\\.b=1", Ok(("{\"a.b\":1}", "a.b=int64;"))),
    ("--set", "a=x\\,y", Ok(("{\"a\":\"x,y\"}", "a=string;"))),
    ("--set", "a=x\\\\y", Ok(("{\"a\":\"x\\\\y\"}", "a=string;"))),
    ("--set", "a=x\\=y", Ok(("{\"a\":\"x=y\"}", "a=string;"))),
    ("--set", "a=b=c", Ok(("{\"a\":\"b=c\"}", "a=string;"))),
    (
        "--set",
        "a=hello world",
        Ok(("{\"a\":\"hello world\"}", "a=string;")),
    ),
    (
        "--set",
        "a= spaced ",
        Ok(("{\"a\":\" spaced \"}", "a=string;")),
    ),
    (
        "--set",
        "a.b[1].c=v",
        Ok((
            "{\"a\":{\"b\":[null,{\"c\":\"v\"}]}}",
            "a=map[string]interface {};",
        )),
    ),
    (
        "--set",
        "name=value,nested.key=1",
        Ok((
            "{\"name\":\"value\",\"nested\":{\"key\":1}}",
            "name=string;nested=map[string]interface {};",
        )),
    ),
    ("--set", "a=1,a=2", Ok(("{\"a\":2}", "a=int64;"))),
    ("--set", "a.b=1,a=2", Ok(("{\"a\":2}", "a=int64;"))),
    ("--set", "a=1.0", Ok(("{\"a\":\"1.0\"}", "a=string;"))),
    ("--set", "a=.5", Ok(("{\"a\":\".5\"}", "a=string;"))),
    ("--set", "a=1e-3", Ok(("{\"a\":\"1e-3\"}", "a=string;"))),
    ("--set", "a=inf", Ok(("{\"a\":\"inf\"}", "a=string;"))),
    ("--set", "a=yes", Ok(("{\"a\":\"yes\"}", "a=string;"))),
    ("--set", "a=no", Ok(("{\"a\":\"no\"}", "a=string;"))),
    ("--set", "a=on", Ok(("{\"a\":\"on\"}", "a=string;"))),
    ("--set", "a=~", Ok(("{\"a\":\"~\"}", "a=string;"))),
    (
        "--set",
        "a=\"quoted\"",
        Ok(("{\"a\":\"\\\"quoted\\\"\"}", "a=string;")),
    ),
    (
        "--set",
        "a='single'",
        Ok(("{\"a\":\"'single'\"}", "a=string;")),
    ),
    (
        "--set",
        "a=ünïcode",
        Ok(("{\"a\":\"ünïcode\"}", "a=string;")),
    ),
    (
        "--set",
        "a[0]={1,2}",
        Ok(("{\"a\":[[1,2]]}", "a=[]interface {};")),
    ),
    (
        "--set",
        "a={1,2}[0]",
        Ok(("{\"a\":[1,2]}", "a=[]interface {};")),
    ),
    (
        "--set",
        "a.b={x,y},a.c=z",
        Ok((
            "{\"a\":{\"b\":[\"x\",\"y\"],\"c\":\"z\"}}",
            "a=map[string]interface {};",
        )),
    ),
    (
        "--set",
        "a",
        Err("failed parsing --set data: key \"a\" has no value"),
    ),
    (
        "--set",
        "a,b=1",
        Err("failed parsing --set data: key \"a\" has no value (cannot end with ,)"),
    ),
    (
        "--set",
        "a.",
        Err("failed parsing --set data: key map \"a\" has no value"),
    ),
    (
        "--set",
        "a=1,a.b=2",
        Err(
            "failed parsing --set data: unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}",
        ),
    ),
    (
        "--set",
        "a.b=1,a[0]=2",
        Err(
            "failed parsing --set data: unable to parse key: interface conversion: interface {} is map[string]interface {}, not []interface {}",
        ),
    ),
    (
        "--set",
        "a[x]=1",
        Err(
            "failed parsing --set data: error parsing index: strconv.Atoi: parsing \"x\": invalid syntax",
        ),
    ),
    (
        "--set",
        "a[-1]=1",
        Err("failed parsing --set data: negative -1 index not allowed"),
    ),
    (
        "--set",
        "a[65537]=1",
        Err(
            "failed parsing --set data: index of 65537 is greater than maximum supported index of 65536",
        ),
    ),
    (
        "--set",
        "a[0]x=1",
        Err("failed parsing --set data: unexpected data at end of array index: ['x']"),
    ),
    (
        "--set",
        "a={1,2",
        Err("failed parsing --set data: list must terminate with '}'"),
    ),
    ("--set", "=1", Ok(("{}", ""))),
    ("--set", "a[0]", Ok(("{\"a\":[]}", "a=[]interface {};"))),
    (
        "--set-string",
        "a=1,b=true,c=null",
        Ok((
            "{\"a\":\"1\",\"b\":\"true\",\"c\":\"null\"}",
            "a=string;b=string;c=string;",
        )),
    ),
    (
        "--set-string",
        "a={1,2}",
        Ok(("{\"a\":[\"1\",\"2\"]}", "a=[]interface {};")),
    ),
    (
        "--set-string",
        "a.b[0]=007",
        Ok(("{\"a\":{\"b\":[\"007\"]}}", "a=map[string]interface {};")),
    ),
    ("--set-json", "a=1", Ok(("{\"a\":1}", "a=float64;"))),
    (
        "--set-json",
        "a={\"b\":[1,2,{\"c\":null}]}",
        Ok((
            "{\"a\":{\"b\":[1,2,{\"c\":null}]}}",
            "a=map[string]interface {};",
        )),
    ),
    (
        "--set-json",
        "a=\"s\",b=true",
        Ok(("{\"a\":\"s\",\"b\":true}", "a=string;b=bool;")),
    ),
    ("--set-json", "a=", Ok(("{\"a\":null}", "a=<nil>;"))),
    ("--set-json", "a=null", Ok(("{\"a\":null}", "a=<nil>;"))),
    (
        "--set-json",
        "a=[1,2],b.c={\"x\":1}",
        Ok((
            "{\"a\":[1,2],\"b\":{\"c\":{\"x\":1}}}",
            "a=[]interface {};b=map[string]interface {};",
        )),
    ),
    (
        "--set-json",
        "a[0]={\"k\":\"v\"}",
        Ok(("{\"a\":[{\"k\":\"v\"}]}", "a=[]interface {};")),
    ),
    (
        "--set-json",
        "a={bad",
        Err("failed parsing --set-json data a={bad"),
    ),
    ("--set-json", "a=1.5e3", Ok(("{\"a\":1500}", "a=float64;"))),
];

fn options_for(flag: &str, arg: &str) -> ValueOptions {
    let mut o = ValueOptions::default();
    let v = vec![arg.to_string()];
    match flag {
        "--set" => o.values = v,
        "--set-string" => o.string_values = v,
        "--set-json" => o.json_values = v,
        "--set-file" => o.file_values = v,
        other => panic!("unknown flag {other}"),
    }
    o
}

fn types(m: &Map) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={};", v.type_name()))
        .collect()
}

#[test]
fn strvals_match_helm() {
    assert!(CASES.len() >= 60);
    let mut failures = Vec::new();
    for (flag, arg, expect) in CASES {
        let got = options_for(flag, arg).merge_values_with(&mut |_| Err("no files".into()));
        let got: Result<(String, String), String> = match got {
            Ok(m) => {
                let json = chart_core::json::to_json(&Value::map(m.clone())).unwrap();
                Ok((json, types(&m)))
            }
            Err(e) => Err(e.to_string()),
        };
        let want = expect
            .map(|(j, t)| (j.to_string(), t.to_string()))
            .map_err(str::to_string);
        if got != want {
            failures.push(format!("{flag} {arg:?}\n   got  {got:?}\n   want {want:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}
