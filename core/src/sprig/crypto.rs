//! (in progress) Sprig crypto functions.

use crate::template::FuncTable;

pub fn register(_t: &mut FuncTable) {}
