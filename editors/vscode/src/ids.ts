/**
 * Names shared by the manifest (package.json) and the code: command ids, the
 * settings section, the language id, and the server's preview command. Kept in
 * one place so a unit test can check the manifest against them.
 */

/** Language id of chart templates; chart-lsp expects it in didOpen. */
export const HELM_LANGUAGE_ID = 'helm';

/** Settings section read by the extension and sent to chart-lsp. */
export const SETTINGS_SECTION = 'chartLsp';

/** Commands contributed by the extension. */
export const COMMAND_OPEN_PREVIEW = 'kubectlChart.openRenderedPreview';
export const COMMAND_RESTART_SERVER = 'kubectlChart.restartServer';

/** workspace/executeCommand understood by chart-lsp: args `[documentUri]`, returns the rendered text. */
export const SERVER_RENDER_PREVIEW = 'chart.renderPreview';
