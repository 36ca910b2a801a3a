//! (in progress) Sprig encoding functions.

use crate::template::FuncTable;

pub fn register(_t: &mut FuncTable) {}
