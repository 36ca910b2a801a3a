/**
 * Which files belong to a chart, and as what: templates (files under a chart's
 * `templates/` directory, and `*.tpl` inside a chart) or values files
 * (`values*.yaml` next to a `Chart.yaml`). Pure: the file system is reached only
 * through the `exists` callback, so the rules are unit-tested without VS Code.
 */
import * as path from 'path';

/** Answers whether a file exists; injected so the logic stays testable. */
export type Exists = (file: string) => boolean;

export type ChartFileKind = 'template' | 'values';

export interface ChartFile {
  kind: ChartFileKind;
  /** Directory holding the Chart.yaml the file belongs to. */
  chartRoot: string;
}

const CHART_FILE = 'Chart.yaml';
const VALUES_FILE = /^values.*\.ya?ml$/i;

function isChartDir(dir: string, exists: Exists): boolean {
  return exists(path.join(dir, CHART_FILE));
}

/** The nearest directory at or above `dir` holding a Chart.yaml. */
export function nearestChartRoot(file: string, exists: Exists): string | undefined {
  let dir = path.dirname(file);
  for (;;) {
    if (isChartDir(dir, exists)) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

/**
 * The outermost chart containing `file` (a subchart under `charts/` belongs to
 * its parent too: the parent's values reach it, so its previews depend on them).
 */
export function outermostChartRoot(file: string, exists: Exists): string | undefined {
  let found: string | undefined;
  let dir = path.dirname(file);
  for (;;) {
    if (isChartDir(dir, exists)) {
      found = dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return found;
    }
    dir = parent;
  }
}

/** Classifies `file`; undefined when it is not a chart template or values file. */
export function classifyChartFile(file: string, exists: Exists): ChartFile | undefined {
  const base = path.basename(file);
  const ownDir = path.dirname(file);
  if (VALUES_FILE.test(base) && isChartDir(ownDir, exists)) {
    return { kind: 'values', chartRoot: ownDir };
  }
  // Walk up to the nearest chart root; the file is a template when the walk
  // passed through that chart's own `templates/` directory.
  let dir = ownDir;
  let child: string | undefined;
  for (;;) {
    if (isChartDir(dir, exists)) {
      if (child !== undefined && path.basename(child) === 'templates') {
        return { kind: 'template', chartRoot: dir };
      }
      if (path.extname(base).toLowerCase() === '.tpl') {
        return { kind: 'template', chartRoot: dir };
      }
      return undefined;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    child = dir;
    dir = parent;
  }
}

/** Languages VS Code may have guessed for a chart template before we correct it. */
const TEMPLATE_GUESSES = new Set(['yaml', 'plaintext', 'json', 'jsonc', 'smarty', 'go']);

/**
 * The language id a document should switch to, or undefined to leave it.
 * Chart templates become `helm`; files the manifest's broad patterns made
 * `helm` (any `templates/` folder) go back to their plain language when no
 * Chart.yaml owns them.
 */
export function desiredLanguage(file: string, currentLanguage: string, exists: Exists, helmId = 'helm'): string | undefined {
  const chartFile = classifyChartFile(file, exists);
  if (chartFile?.kind === 'template') {
    return currentLanguage !== helmId && TEMPLATE_GUESSES.has(currentLanguage) ? helmId : undefined;
  }
  if (currentLanguage !== helmId) {
    return undefined;
  }
  switch (path.extname(file).toLowerCase()) {
    case '.yaml':
    case '.yml':
      return 'yaml';
    case '.json':
      return 'json';
    case '.txt':
      return 'plaintext';
    default:
      return undefined; // `.tpl` outside a chart is still a Go template
  }
}

/** Escapes glob metacharacters of a literal path segment for VS Code glob patterns. */
function escapeGlob(literal: string): string {
  return literal.replace(/[[\]{}*?]/g, (c) => `[${c}]`);
}

/**
 * Document-selector glob patterns matching the values files of the given chart
 * directories (VS Code globs use `/` on every platform).
 */
export function valuesFilePatterns(chartRoots: readonly string[]): string[] {
  const unique = [...new Set(chartRoots.map((root) => root.replace(/\\/g, '/').replace(/\/+$/, '')))];
  unique.sort();
  return unique.map((root) => `${escapeGlob(root)}/values*.{yaml,yml}`);
}
