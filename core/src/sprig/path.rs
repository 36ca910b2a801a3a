//! Slash-separated path functions (Go `path`: `base dir clean ext isAbs`)
//! and their `filepath` twins (`osBase osDir osClean osExt osIsAbs`), which
//! behave the same on Unix, the platform Helm's output is defined on.

use super::{arg_str, ok};
use crate::template::{FuncTable, Signature, Ty};

pub fn register(t: &mut FuncTable) {
    let one = Signature::fixed(&[Ty::String]);
    for name in ["base", "osBase"] {
        t.add(name, one, |a| ok(base(arg_str(a, 0)?)));
    }
    for name in ["dir", "osDir"] {
        t.add(name, one, |a| ok(dir(arg_str(a, 0)?)));
    }
    for name in ["clean", "osClean"] {
        t.add(name, one, |a| ok(clean(arg_str(a, 0)?)));
    }
    for name in ["ext", "osExt"] {
        t.add(name, one, |a| ok(ext(arg_str(a, 0)?)));
    }
    for name in ["isAbs", "osIsAbs"] {
        t.add(name, one, |a| ok(arg_str(a, 0)?.starts_with('/')));
    }
}

// Go `path.Clean` lives in `crate::gopath`, shared with the loader and packaging.
pub use crate::gopath::clean;

/// Go `path.Base`.
pub fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let trimmed = p.trim_end_matches('/');
    let last = match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    };
    if last.is_empty() {
        "/".to_string()
    } else {
        last.to_string()
    }
}

/// Go `path.Dir`.
pub fn dir(p: &str) -> String {
    let head = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    clean(head)
}

/// Go `path.Ext`.
pub fn ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        if c == '/' {
            break;
        }
        if c == '.' {
            return p[i..].to_string();
        }
    }
    String::new()
}
