//! Shared by the engine test files: render one template text through the
//! whole Helm function table, as `helm template` would, with `.` empty.

use chart_core::engine::host::HelmHost;
use chart_core::source::SourceId;
use chart_core::template::{Delims, TemplateSet, Value};

/// The template's output, or the parse/execution error's text.
pub fn render(template: &str) -> Result<String, String> {
    let mut set = TemplateSet::new(chart_core::engine::helm_funcs());
    set.add("t", template, &Delims::default(), SourceId(0))
        .map_err(|e| e.to_string())?;
    set.execute("t", &Value::empty_map(), &mut HelmHost::default())
        .map(|r| r.output)
        .map_err(|e| e.to_string())
}
