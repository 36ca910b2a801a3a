//! Lexer + parser: any text, with default and custom delimiters, must give
//! trees or an error — never a panic, hang or stack overflow.
#![no_main]

use std::sync::Arc;

use chart_template_fuzz::source::SourceId;
use chart_template_fuzz::template::ast::SourceText;
use chart_template_fuzz::template::{Delims, builtin_table, lexer, parser};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let funcs = builtin_table();
    for delims in [Delims::default(), Delims::new("<<", ">>"), Delims::new("[", "]")] {
        let _ = lexer::lex(text, &delims, true);
        let src = Arc::new(SourceText::with_delims(SourceId(0), Arc::from(text), delims.clone()));
        let parsed = parser::parse("t", src, &delims, &|n| funcs.contains(n));
        // Printing the trees exercises Go's String() forms.
        for t in &parsed.trees {
            let _ = t.root.to_string();
        }
        if let Some(e) = parsed.error {
            let _ = e.to_string();
        }
    }
});
