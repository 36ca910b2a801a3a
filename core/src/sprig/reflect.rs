//! Reflection: `typeOf typeIs typeIsLike kindOf kindIs deepEqual`, with Go's
//! type names (`map[string]interface {}`, `[]interface {}`, `float64`).

use super::{arg, arg_str, ok};
use crate::template::{FuncTable, Signature, Ty};

pub fn register(t: &mut FuncTable) {
    use Ty::*;
    t.add("typeOf", Signature::fixed(&[Any]), |a| {
        ok(arg(a, 0).type_name())
    });
    t.add("typeIs", Signature::fixed(&[String, Any]), |a| {
        ok(arg_str(a, 0)? == arg(a, 1).type_name())
    });
    t.add("typeIsLike", Signature::fixed(&[String, Any]), |a| {
        let (target, ty) = (arg_str(a, 0)?, arg(a, 1).type_name());
        ok(target == ty || ty.strip_prefix('*') == Some(target))
    });
    t.add("kindOf", Signature::fixed(&[Any]), |a| {
        ok(arg(a, 0).kind_name())
    });
    t.add("kindIs", Signature::fixed(&[String, Any]), |a| {
        ok(arg_str(a, 0)? == arg(a, 1).kind_name())
    });
    t.add("deepEqual", Signature::fixed(&[Any, Any]), |a| {
        ok(arg(a, 0) == arg(a, 1))
    });
}
