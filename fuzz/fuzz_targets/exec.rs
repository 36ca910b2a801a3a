//! Fuzz target: parse and execute arbitrary templates (`{{ }}` or, with a
//! leading `\x01`, `<< >>`) against fixed chart-like data with Sprig and
//! Helm's YAML functions. Low step/output budgets stop runaway loops; deep
//! `include`/`template` recursion must end in the depth-limit error.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run -O exec corpus/exec --
//! -dict=exec.dict -detect_leaks=0 -max_total_time=600`. The dictionary
//! steers towards shared-map mutation (`set`/`merge` on `.Values`, maps made
//! to contain themselves). Leak detection is off because a map made to
//! contain itself is an `Arc` cycle that is only freed at process exit (Go's
//! GC collects it); that is a known limitation, not a crash.

#![no_main]

use chart_core::engine::host::HelmHost;
use chart_core::source::SourceId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (delims, text) = chart_template_fuzz::split_input(data);
    let mut set = chart_template_fuzz::new_set();
    if set
        .add(chart_template_fuzz::NAME, &text, &delims, SourceId(0))
        .is_err()
    {
        return;
    }
    let data = chart_template_fuzz::data();
    match set.execute(chart_template_fuzz::NAME, &data, &mut HelmHost::default()) {
        Ok(r) => {
            // The trace must be usable for every output byte.
            if !r.output.is_empty() {
                let _ = r.span_at(r.output.len() - 1);
            }
        }
        Err(e) => {
            let _ = e.to_string();
            let _ = e.innermost().span();
        }
    }
});
