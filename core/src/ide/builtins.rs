//! What the editor says about the things every template can use: the
//! built-in objects (`.Chart`, `.Release`, `.Capabilities`, `.Files`,
//! `.Template`, `.Subcharts`) and their fields, and every template function
//! with its Go signature (from `docs/functions.md`, Go's own builtins here)
//! and a one-line description.

/// A field of a built-in object: name, Go type, description.
pub type FieldDoc = (&'static str, &'static str, &'static str);

/// The fields of the top-level context.
pub const ROOT: &[FieldDoc] = &[
    (
        "Values",
        "map",
        "Values from values.yaml, the user's files and --set, merged",
    ),
    ("Chart", "Chart", "The chart's Chart.yaml"),
    ("Release", "Release", "The release being rendered"),
    (
        "Capabilities",
        "Capabilities",
        "What the Kubernetes cluster supports",
    ),
    ("Files", "Files", "The chart's non-template files"),
    ("Template", "Template", "The template being rendered"),
    ("Subcharts", "map", "The subcharts' contexts, by name"),
];

pub const CHART: &[FieldDoc] = &[
    ("Name", "string", "The chart's name"),
    ("Version", "string", "The chart's SemVer 2 version"),
    (
        "AppVersion",
        "string",
        "The version of the app the chart deploys",
    ),
    ("Description", "string", "One-sentence description"),
    ("Type", "string", "`application` or `library`"),
    ("APIVersion", "string", "Chart API version (`v2`)"),
    (
        "KubeVersion",
        "string",
        "Range of compatible Kubernetes versions",
    ),
    ("Home", "string", "The project's home page URL"),
    ("Icon", "string", "URL of an icon"),
    ("Sources", "[]string", "URLs of the project's source code"),
    ("Keywords", "[]string", "Keywords about the project"),
    ("Maintainers", "[]Maintainer", "The chart's maintainers"),
    (
        "Annotations",
        "map[string]string",
        "Annotations from Chart.yaml",
    ),
    ("Dependencies", "[]Dependency", "Declared dependencies"),
    ("Deprecated", "bool", "Whether the chart is deprecated"),
    ("IsRoot", "bool", "Whether this is the top-level chart"),
];

pub const RELEASE: &[FieldDoc] = &[
    ("Name", "string", "The release name"),
    ("Namespace", "string", "The namespace the release goes to"),
    ("IsInstall", "bool", "True on install"),
    ("IsUpgrade", "bool", "True on upgrade or rollback"),
    ("Revision", "int", "The revision number, 1 on install"),
    ("Service", "string", "Always `Helm`"),
];

pub const CAPABILITIES: &[FieldDoc] = &[
    (
        "KubeVersion",
        "KubeVersion",
        "The cluster's Kubernetes version",
    ),
    (
        "APIVersions",
        "VersionSet",
        "API versions the cluster serves (`.Has \"apps/v1\"`)",
    ),
    ("HelmVersion", "HelmVersion", "The Helm version rendering"),
];

pub const KUBE_VERSION: &[FieldDoc] = &[
    ("Version", "string", "Full version, `v1.25.2`"),
    ("Major", "string", "Major version"),
    ("Minor", "string", "Minor version"),
    ("GitVersion", "string", "Same as Version"),
];

pub const HELM_VERSION: &[FieldDoc] = &[
    ("Version", "string", "Helm's version"),
    ("GitCommit", "string", "Git commit of the Helm build"),
    ("GitTreeState", "string", "Git tree state of the build"),
    ("GoVersion", "string", "Go version of the build"),
];

pub const API_VERSIONS: &[FieldDoc] = &[(
    "Has",
    "func(string) bool",
    "Whether an API version or resource is available",
)];

pub const FILES: &[FieldDoc] = &[
    ("Get", "func(name string) string", "A file's contents"),
    ("GetBytes", "func(name string) []byte", "A file's bytes"),
    (
        "Glob",
        "func(pattern string) Files",
        "Files matching a glob",
    ),
    ("Lines", "func(name string) []string", "A file's lines"),
    (
        "AsConfig",
        "func() string",
        "The files as ConfigMap data (YAML)",
    ),
    (
        "AsSecrets",
        "func() string",
        "The files as Secret data, base64 (YAML)",
    ),
];

pub const TEMPLATE: &[FieldDoc] = &[
    (
        "Name",
        "string",
        "This template's path, `mychart/templates/x.yaml`",
    ),
    (
        "BasePath",
        "string",
        "The templates folder, `mychart/templates`",
    ),
];

/// The fields of the built-in object at `path` (`["Chart"]`,
/// `["Capabilities", "KubeVersion"]`, …), if it is one.
pub fn fields(path: &[&str]) -> Option<&'static [FieldDoc]> {
    Some(match path {
        [] => ROOT,
        ["Chart"] => CHART,
        ["Release"] => RELEASE,
        ["Capabilities"] => CAPABILITIES,
        ["Capabilities", "KubeVersion"] => KUBE_VERSION,
        ["Capabilities", "HelmVersion"] => HELM_VERSION,
        ["Capabilities", "APIVersions"] => API_VERSIONS,
        ["Files"] => FILES,
        ["Template"] => TEMPLATE,
        _ => return None,
    })
}

/// Go's `text/template` builtins: name, signature, description.
const GO_BUILTINS: &[FieldDoc] = &[
    (
        "and",
        "and(x, y ...any) any",
        "The first empty argument, or the last",
    ),
    (
        "or",
        "or(x, y ...any) any",
        "The first non-empty argument, or the last",
    ),
    ("not", "not(x any) bool", "The boolean negation of x"),
    ("len", "len(x any) int", "Length of a string, list or map"),
    (
        "index",
        "index(x any, keys ...any) any",
        "Element of a list or map by index/key, nested",
    ),
    (
        "slice",
        "slice(x any, indexes ...int) any",
        "A sub-list or substring",
    ),
    ("print", "print(args ...any) string", "Go's fmt.Sprint"),
    (
        "printf",
        "printf(format string, args ...any) string",
        "Go's fmt.Sprintf",
    ),
    (
        "println",
        "println(args ...any) string",
        "Go's fmt.Sprintln",
    ),
    ("html", "html(args ...any) string", "HTML-escaped text"),
    ("js", "js(args ...any) string", "JavaScript-escaped text"),
    (
        "urlquery",
        "urlquery(args ...any) string",
        "Text escaped for a URL query",
    ),
    ("eq", "eq(x any, ys ...any) bool", "x equals any of ys"),
    ("ne", "ne(x, y any) bool", "x differs from y"),
    ("lt", "lt(x, y any) bool", "x < y"),
    ("le", "le(x, y any) bool", "x ≤ y"),
    ("gt", "gt(x, y any) bool", "x > y"),
    ("ge", "ge(x, y any) bool", "x ≥ y"),
    (
        "call",
        "call(fn any, args ...any) any",
        "Calls a function value",
    ),
];

/// One-line descriptions of the Sprig, Helm and YAML functions.
const DOCS: &[(&str, &str)] = &[
    ("hello", "Returns `Hello!`"),
    ("abbrev", "Truncates with `...` to a width"),
    ("abbrevboth", "Truncates both ends with `...`"),
    ("trunc", "First n bytes (last n when negative)"),
    ("trim", "Removes surrounding whitespace"),
    ("upper", "Upper case"),
    ("lower", "Lower case"),
    ("title", "Title Case"),
    ("untitle", "Lower-cases the first letter of each word"),
    ("substr", "Substring from start to end"),
    ("repeat", "The string repeated n times"),
    ("trimall", "Removes the given characters from both ends"),
    ("trimAll", "Removes the given characters from both ends"),
    ("trimSuffix", "Removes a suffix"),
    ("trimPrefix", "Removes a prefix"),
    ("nospace", "Removes all whitespace"),
    ("initials", "First letters of each word"),
    ("randAlphaNum", "Random letters and digits"),
    ("randAlpha", "Random letters"),
    ("randAscii", "Random printable ASCII"),
    ("randNumeric", "Random digits"),
    ("swapcase", "Swaps upper and lower case"),
    ("shuffle", "Shuffles the characters"),
    ("snakecase", "snake_case"),
    ("camelcase", "CamelCase"),
    ("kebabcase", "kebab-case"),
    ("wrap", "Wraps text at a column"),
    ("wrapWith", "Wraps text at a column with a given line break"),
    ("contains", "Whether a string contains another"),
    ("hasPrefix", "Whether a string starts with a prefix"),
    ("hasSuffix", "Whether a string ends with a suffix"),
    ("quote", "Wraps each argument in double quotes"),
    ("squote", "Wraps each argument in single quotes"),
    ("cat", "Joins the arguments with spaces"),
    ("indent", "Indents every line by n spaces"),
    ("nindent", "Newline, then indents every line by n spaces"),
    ("replace", "Replaces every occurrence of old by new"),
    ("plural", "Singular or plural form by count"),
    ("split", "Splits into a map `_0`, `_1`, …"),
    ("splitn", "Splits into at most n parts, as a map"),
    ("splitList", "Splits into a list"),
    ("join", "Joins a list with a separator"),
    ("toString", "Converts to a string"),
    ("toStrings", "Converts a list to a list of strings"),
    ("atoi", "Parses an integer"),
    ("int", "Converts to int"),
    ("int64", "Converts to int64"),
    ("float64", "Converts to float64"),
    ("toDecimal", "Parses an octal string"),
    ("add", "Sum of integers"),
    ("add1", "Adds one"),
    ("sub", "a - b"),
    ("div", "Integer division"),
    ("mod", "Remainder"),
    ("mul", "Product of integers"),
    ("max", "Largest integer"),
    ("biggest", "Largest integer"),
    ("min", "Smallest integer"),
    ("maxf", "Largest float"),
    ("minf", "Smallest float"),
    ("add1f", "Adds one (float)"),
    ("addf", "Sum of floats"),
    ("subf", "a - b (float)"),
    ("mulf", "Product of floats"),
    ("divf", "Division (float)"),
    ("ceil", "Rounds up"),
    ("floor", "Rounds down"),
    ("round", "Rounds to n decimal places"),
    ("randInt", "Random integer in [min, max)"),
    ("seq", "Sequence of integers like the seq command"),
    ("until", "List of integers 0..n-1"),
    ("untilStep", "List of integers from start by step"),
    (
        "default",
        "The value, or the default when the value is empty",
    ),
    ("empty", "Whether a value is empty"),
    ("coalesce", "The first non-empty argument"),
    ("all", "Whether all arguments are non-empty"),
    ("any", "Whether any argument is non-empty"),
    (
        "ternary",
        "First value if the condition is true, else the second",
    ),
    ("list", "A list of the arguments"),
    ("tuple", "A list of the arguments"),
    ("append", "The list with an element added at the end"),
    ("push", "The list with an element added at the end"),
    ("mustAppend", "append, with an error instead of a panic"),
    ("mustPush", "push, with an error instead of a panic"),
    ("prepend", "The list with an element added at the front"),
    ("mustPrepend", "prepend, with an error instead of a panic"),
    ("first", "The first element"),
    ("mustFirst", "first, with an error instead of a panic"),
    ("rest", "All elements but the first"),
    ("mustRest", "rest, with an error instead of a panic"),
    ("last", "The last element"),
    ("mustLast", "last, with an error instead of a panic"),
    ("initial", "All elements but the last"),
    ("mustInitial", "initial, with an error instead of a panic"),
    ("reverse", "The list reversed"),
    ("mustReverse", "reverse, with an error instead of a panic"),
    ("uniq", "The list without duplicates"),
    ("mustUniq", "uniq, with an error instead of a panic"),
    ("without", "The list without the given elements"),
    ("mustWithout", "without, with an error instead of a panic"),
    ("has", "Whether the list holds an element"),
    ("mustHas", "has, with an error instead of a panic"),
    ("slice", "A sub-list (Sprig's, replacing Go's)"),
    ("mustSlice", "slice, with an error instead of a panic"),
    ("concat", "Concatenates lists"),
    ("chunk", "Splits a list into chunks of a size"),
    ("mustChunk", "chunk, with an error instead of a panic"),
    ("compact", "The list without empty elements"),
    ("mustCompact", "compact, with an error instead of a panic"),
    ("sortAlpha", "Sorts strings alphabetically"),
    ("dict", "A map from key, value pairs"),
    ("get", "A map's value for a key (empty string when missing)"),
    ("set", "Sets a key in a map (in place) and returns the map"),
    ("unset", "Removes a key from a map (in place)"),
    ("hasKey", "Whether a map has a key"),
    ("pluck", "The values of a key in several maps"),
    ("keys", "A map's keys"),
    ("values", "A map's values"),
    ("pick", "A map with only the given keys"),
    ("omit", "A map without the given keys"),
    ("merge", "Deep-merges maps into the first; the first wins"),
    (
        "mergeOverwrite",
        "Deep-merges maps into the first; later ones win",
    ),
    ("mustMerge", "merge, with an error instead of a panic"),
    (
        "mustMergeOverwrite",
        "mergeOverwrite, with an error instead of a panic",
    ),
    ("deepCopy", "A deep copy of a value"),
    ("mustDeepCopy", "deepCopy, with an error instead of a panic"),
    ("dig", "A nested map value by keys, with a default"),
    ("typeOf", "The Go type of a value"),
    ("typeIs", "Whether a value has a Go type"),
    ("typeIsLike", "typeIs, also matching pointers"),
    ("kindOf", "The Go kind of a value"),
    ("kindIs", "Whether a value has a Go kind"),
    ("deepEqual", "Whether two values are deeply equal"),
    ("b64enc", "Base64-encodes"),
    ("b64dec", "Base64-decodes"),
    ("b32enc", "Base32-encodes"),
    ("b32dec", "Base32-decodes"),
    ("sha1sum", "SHA-1 hex digest"),
    ("sha256sum", "SHA-256 hex digest"),
    ("sha512sum", "SHA-512 hex digest"),
    ("adler32sum", "Adler-32 checksum"),
    ("bcrypt", "bcrypt hash"),
    ("htpasswd", "An htpasswd line (bcrypt)"),
    (
        "derivePassword",
        "A password derived from a master password",
    ),
    ("genPrivateKey", "A PEM private key (rsa, ecdsa, ed25519)"),
    ("genCA", "A self-signed CA certificate"),
    ("genCAWithKey", "A CA certificate for a given key"),
    ("genSelfSignedCert", "A self-signed certificate"),
    (
        "genSelfSignedCertWithKey",
        "A self-signed certificate for a key",
    ),
    ("genSignedCert", "A certificate signed by a CA"),
    (
        "genSignedCertWithKey",
        "A certificate for a key, signed by a CA",
    ),
    ("buildCustomCert", "A certificate object from PEM texts"),
    ("encryptAES", "AES-256-CBC encryption, base64"),
    ("decryptAES", "Decrypts encryptAES output"),
    ("randBytes", "Random bytes, base64"),
    ("uuidv4", "A random UUID"),
    ("regexMatch", "Whether a string matches a regex"),
    ("mustRegexMatch", "regexMatch, with an error on a bad regex"),
    ("regexFind", "The first match"),
    ("mustRegexFind", "regexFind, with an error on a bad regex"),
    ("regexFindAll", "Up to n matches (-1: all)"),
    (
        "mustRegexFindAll",
        "regexFindAll, with an error on a bad regex",
    ),
    ("regexReplaceAll", "Replaces matches, expanding `$1`"),
    (
        "mustRegexReplaceAll",
        "regexReplaceAll, with an error on a bad regex",
    ),
    ("regexReplaceAllLiteral", "Replaces matches literally"),
    (
        "mustRegexReplaceAllLiteral",
        "regexReplaceAllLiteral, with an error on a bad regex",
    ),
    ("regexSplit", "Splits by a regex"),
    ("mustRegexSplit", "regexSplit, with an error on a bad regex"),
    ("regexQuoteMeta", "Escapes regex metacharacters"),
    ("base", "Last element of a slash path"),
    ("dir", "All but the last element of a slash path"),
    ("clean", "Cleans a slash path"),
    ("ext", "Extension of a slash path"),
    ("isAbs", "Whether a slash path is absolute"),
    ("osBase", "Last element of an OS path"),
    ("osDir", "All but the last element of an OS path"),
    ("osClean", "Cleans an OS path"),
    ("osExt", "Extension of an OS path"),
    ("osIsAbs", "Whether an OS path is absolute"),
    ("getHostByName", "An IP address of a host name"),
    ("urlParse", "A URL's parts as a map"),
    ("urlJoin", "A URL from a map of parts"),
    ("now", "The current time"),
    ("date", "Formats a time with a Go layout"),
    ("dateInZone", "Formats a time in a time zone"),
    ("date_in_zone", "Formats a time in a time zone"),
    ("htmlDate", "A time as `2006-01-02`"),
    ("htmlDateInZone", "A time as `2006-01-02` in a time zone"),
    ("dateModify", "A time shifted by a duration"),
    ("date_modify", "A time shifted by a duration"),
    (
        "mustDateModify",
        "dateModify, with an error on a bad duration",
    ),
    (
        "must_date_modify",
        "dateModify, with an error on a bad duration",
    ),
    ("toDate", "Parses a time with a Go layout"),
    ("mustToDate", "toDate, with an error on a bad time"),
    ("unixEpoch", "Seconds since the Unix epoch"),
    ("ago", "Time elapsed since a time"),
    ("duration", "Seconds as a Go duration"),
    ("durationRound", "A duration rounded to its largest unit"),
    ("semver", "Parses a semantic version"),
    ("semverCompare", "Whether a version satisfies a constraint"),
    ("toJson", "JSON text (empty on error)"),
    ("fromJson", "Parses a JSON object"),
    ("fromJsonArray", "Parses a JSON array"),
    ("toPrettyJson", "Indented JSON text"),
    ("toRawJson", "JSON text without HTML escaping"),
    ("mustToJson", "toJson, with an error on failure"),
    ("mustToPrettyJson", "toPrettyJson, with an error on failure"),
    ("mustToRawJson", "toRawJson, with an error on failure"),
    ("mustFromJson", "fromJson, with an error on failure"),
    ("toYaml", "YAML text (empty on error)"),
    ("fromYaml", "Parses a YAML mapping"),
    ("fromYamlArray", "Parses a YAML list"),
    ("toToml", "TOML text"),
    ("fromToml", "Parses TOML"),
    ("toYamlPretty", "YAML text with indented lists"),
    ("include", "Renders a named template to a string"),
    ("tpl", "Renders a string as a template"),
    ("required", "The value, or fails rendering with the message"),
    ("fail", "Fails rendering with a message"),
    (
        "lookup",
        "Reads a live Kubernetes object (empty in `template`)",
    ),
    ("env", "An environment variable (removed by Helm)"),
    ("expandenv", "Expands `$VAR` (removed by Helm)"),
];

/// Go signatures of the non-builtin functions, read from `docs/functions.md`.
const FUNCTIONS_MD: &str = include_str!("../../../docs/functions.md");

/// A function's signature and one-line description, if it is known.
pub fn function(name: &str) -> Option<(String, &'static str)> {
    if let Some((_, sig, doc)) = GO_BUILTINS.iter().find(|(n, _, _)| *n == name) {
        // Sprig's `slice` replaces Go's (as in Helm): prefer the table below.
        if name != "slice" {
            return Some((sig.to_string(), doc));
        }
    }
    let doc = DOCS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, d)| *d);
    let prefix = format!("| `{name}` | `");
    let sig = FUNCTIONS_MD.lines().find_map(|l| {
        let rest = l.strip_prefix(&prefix)?;
        Some(rest.split('`').next()?.to_string())
    })?;
    Some((sig, doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_function_has_a_signature_and_doc() {
        let funcs = crate::engine::helm_funcs();
        let mut missing = Vec::new();
        for name in funcs.names() {
            match function(name) {
                Some((sig, doc)) if !sig.is_empty() && !doc.is_empty() => {}
                _ => missing.push(name),
            }
        }
        assert!(missing.is_empty(), "no signature/doc: {missing:?}");
        assert_eq!(
            function("nindent"),
            Some((
                "nindent(spaces int, s string) string".to_string(),
                "Newline, then indents every line by n spaces"
            ))
        );
    }
}
