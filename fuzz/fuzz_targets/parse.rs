//! Fuzz target: lexer + parser on arbitrary text with `{{ }}` or `<< >>`
//! (first byte `\x01`). Must never panic or overflow the stack; deep nesting
//! must end in the parser's nesting-limit error.

#![no_main]

use chart_core::source::SourceId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (delims, text) = chart_fuzz::split_input(data);
    let set = chart_fuzz::new_set();
    let parsed = set.parse_only(chart_fuzz::NAME, &text, &delims, SourceId(0));
    if let Some(e) = parsed.error {
        // Rendering the message walks spans back to line:column.
        let _ = e.to_string();
    }
    for tree in &parsed.trees {
        let _ = format!("{tree:?}");
    }
});
