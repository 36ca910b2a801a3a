//! (in progress) Sprig network functions.

use crate::template::FuncTable;

pub fn register(_t: &mut FuncTable) {}
