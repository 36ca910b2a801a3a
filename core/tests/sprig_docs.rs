//! Completeness: every function of Sprig v3.2.2's `TxtFuncMap` that Helm
//! keeps is registered, and every registered function is documented in
//! `docs/functions.md`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Sprig v3.2.2 `genericMap` names (the list Helm 3.10 starts from).
const SPRIG: &str = "
    hello ago date date_in_zone date_modify dateInZone dateModify duration durationRound
    htmlDate htmlDateInZone must_date_modify mustDateModify mustToDate now toDate
    unixEpoch abbrev abbrevboth trunc trim upper lower title untitle substr repeat
    trimall trimAll trimSuffix trimPrefix nospace initials randAlphaNum randAlpha
    randAscii randNumeric swapcase shuffle snakecase camelcase kebabcase wrap wrapWith
    contains hasPrefix hasSuffix quote squote cat indent nindent replace plural sha1sum
    sha256sum adler32sum toString atoi int64 int float64 seq toDecimal split splitList
    splitn toStrings until untilStep add1 add sub div mod mul randInt add1f addf subf
    divf mulf biggest max min maxf minf ceil floor round join sortAlpha default empty
    coalesce all any compact mustCompact fromJson toJson toPrettyJson toRawJson
    mustFromJson mustToJson mustToPrettyJson mustToRawJson ternary deepCopy mustDeepCopy
    typeOf typeIs typeIsLike kindOf kindIs deepEqual env expandenv getHostByName base
    dir clean ext isAbs osBase osClean osDir osExt osIsAbs b64enc b64dec b32enc b32dec
    tuple list dict get set unset hasKey pluck keys pick omit merge mergeOverwrite
    mustMerge mustMergeOverwrite values append mustAppend prepend mustPrepend first
    mustFirst rest mustRest last mustLast initial mustInitial reverse mustReverse uniq
    mustUniq without mustWithout has mustHas slice mustSlice concat dig chunk mustChunk
    bcrypt htpasswd genPrivateKey derivePassword buildCustomCert genCA genCAWithKey
    genSelfSignedCert genSelfSignedCertWithKey genSignedCert genSignedCertWithKey
    encryptAES decryptAES randBytes uuidv4 semver semverCompare fail regexMatch
    mustRegexMatch regexFindAll mustRegexFindAll regexFind mustRegexFind regexReplaceAll
    mustRegexReplaceAll regexReplaceAllLiteral mustRegexReplaceAllLiteral regexSplit
    mustRegexSplit regexQuoteMeta urlParse urlJoin push mustPush
";

/// Removed by Helm (env/expandenv) or replaced by the engine (fail).
const NOT_OURS: &[&str] = &["env", "expandenv", "fail"];

fn table() -> chart_core::template::FuncTable {
    let mut t = chart_core::sprig::table();
    chart_core::yaml::funcs::register(&mut t);
    t
}

#[test]
fn every_sprig_function_is_registered() {
    let t = table();
    let missing: Vec<&str> = SPRIG
        .split_whitespace()
        .filter(|n| !NOT_OURS.contains(n) && !t.contains(n))
        .collect();
    assert!(missing.is_empty(), "not registered: {missing:?}");
    for n in ["env", "expandenv"] {
        assert!(!t.contains(n), "{n} must be absent, as in Helm");
    }
}

#[test]
fn every_registered_function_is_documented() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/functions.md"))
        .expect("docs/functions.md");
    let t = table();
    let missing: Vec<&str> = t
        .names()
        .into_iter()
        .filter(|n| !doc.contains(&format!("| `{n}` |")))
        .collect();
    assert!(missing.is_empty(), "not in docs/functions.md: {missing:?}");
    let sprig_missing: Vec<&str> = SPRIG
        .split_whitespace()
        .filter(|n| !doc.contains(&format!("| `{n}` |")))
        .collect();
    assert!(
        sprig_missing.is_empty(),
        "Sprig names not in docs: {sprig_missing:?}"
    );
}
