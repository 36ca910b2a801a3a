/**
 * The rendered preview as data: the virtual document URI that stands for
 * "the rendered output of template X" (scheme `chart-preview`, the template's
 * URI in the query), which previews an edit must refresh, and the text shown
 * for a server answer or error. Pure, so it is unit-tested without VS Code.
 */
import * as path from 'path';

export const PREVIEW_SCHEME = 'chart-preview';

/** Path and query of the preview URI of a template (built with `Uri.from` by the caller). */
export interface PreviewLocation {
  scheme: string;
  path: string;
  query: string;
}

/**
 * The preview of `/c/templates/deploy.yaml` is `chart-preview:/c/templates/deploy (rendered).yaml`
 * (the tab title says what it is; `.yaml` gives YAML highlighting; NOTES.txt stays text).
 */
export function previewLocation(sourceUri: string, sourcePath: string): PreviewLocation {
  const posix = sourcePath.replace(/\\/g, '/');
  const ext = path.posix.extname(posix);
  const stem = posix.slice(0, posix.length - ext.length);
  const outExt = ext.toLowerCase() === '.txt' ? '.txt' : '.yaml';
  const lead = posix.startsWith('/') ? '' : '/';
  return { scheme: PREVIEW_SCHEME, path: `${lead}${stem} (rendered)${outExt}`, query: sourceUri };
}

/** The template URI a preview URI stands for (undefined for a foreign URI). */
export function sourceOfPreview(scheme: string, query: string): string | undefined {
  return scheme === PREVIEW_SCHEME && query !== '' ? query : undefined;
}

/**
 * Whether an edit to `changedFile` can change the preview of `previewedFile`:
 * both belong to the same outermost chart (values, helpers and subcharts all
 * feed one render). `chartOf` returns the outermost chart directory.
 */
export function editAffectsPreview(
  changedFile: string,
  previewedFile: string,
  chartOf: (file: string) => string | undefined,
): boolean {
  if (changedFile === previewedFile) {
    return true;
  }
  const previewChart = chartOf(previewedFile);
  return previewChart !== undefined && previewChart === chartOf(changedFile);
}

/** The preview text for the value returned by `chart.renderPreview`. */
export function previewText(result: unknown): string {
  if (typeof result === 'string') {
    return result;
  }
  if (result === null || result === undefined) {
    return '# chart-lsp returned no rendered output for this template\n';
  }
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** The preview text when the render request failed: the message, as YAML comments. */
export function previewErrorText(templateName: string, message: string): string {
  const lines = message.trimEnd().split(/\r?\n/).map((line) => `# ${line}`.trimEnd());
  return `# chart-lsp could not render ${templateName}:\n${lines.join('\n')}\n`;
}
