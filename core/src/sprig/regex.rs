//! (in progress) Sprig regex functions.

use crate::template::FuncTable;

pub fn register(_t: &mut FuncTable) {}
