//! (in progress) Sprig path functions.

use crate::template::FuncTable;

pub fn register(_t: &mut FuncTable) {}
