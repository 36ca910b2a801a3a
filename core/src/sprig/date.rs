//! (in progress) Sprig date functions.

use crate::template::FuncTable;

pub fn register(_t: &mut FuncTable) {}
