/**
 * The extension's settings (`chartLsp.*`): validation of what the user wrote,
 * and what they become for chart-lsp (the executable to start and the
 * initializationOptions). Pure, so it is unit-tested without VS Code.
 */
import * as os from 'os';
import * as path from 'path';

export interface ChartLspSettings {
  /** Executable name (looked up on PATH) or path of chart-lsp. */
  path: string;
  /** Extra values files per chart directory (relative to the workspace folder), in `-f` order. */
  valuesFiles: Record<string, string[]>;
  /** Debounce of the rendered preview, in milliseconds. */
  previewDelay: number;
}

export const DEFAULT_SETTINGS: Readonly<ChartLspSettings> = Object.freeze({
  path: 'chart-lsp',
  valuesFiles: {},
  previewDelay: 150,
});

/** Settings as read, plus one message per value that was ignored and why. */
export interface SettingsRead {
  settings: ChartLspSettings;
  problems: string[];
}

/** Reads the raw `chartLsp` section (any JSON the user wrote), keeping what is valid. */
export function readSettings(raw: unknown): SettingsRead {
  const problems: string[] = [];
  const section = isRecord(raw) ? raw : {};
  const settings: ChartLspSettings = { ...DEFAULT_SETTINGS, valuesFiles: {} };

  const exe = section.path;
  if (typeof exe === 'string' && exe.trim() !== '') {
    settings.path = exe.trim();
  } else if (exe !== undefined && exe !== null && exe !== '') {
    problems.push(`chartLsp.path must be a string; using "${DEFAULT_SETTINGS.path}"`);
  }

  const delay = section.previewDelay;
  if (typeof delay === 'number' && Number.isFinite(delay) && delay >= 0) {
    settings.previewDelay = Math.round(delay);
  } else if (delay !== undefined && delay !== null) {
    problems.push(`chartLsp.previewDelay must be a number >= 0; using ${DEFAULT_SETTINGS.previewDelay}`);
  }

  const values = section.valuesFiles;
  if (isRecord(values)) {
    for (const [chart, files] of Object.entries(values)) {
      if (!Array.isArray(files) || !files.every((f) => typeof f === 'string' && f.trim() !== '')) {
        problems.push(`chartLsp.valuesFiles["${chart}"] must be a list of file names; ignored`);
        continue;
      }
      settings.valuesFiles[normalizeChartKey(chart)] = files.map((f) => f.trim());
    }
  } else if (values !== undefined && values !== null) {
    problems.push('chartLsp.valuesFiles must be an object mapping a chart directory to a list of values files; ignored');
  }
  return { settings, problems };
}

/** `./charts/web/` and `charts\web` both name the chart `charts/web`; the workspace root is `.`. */
export function normalizeChartKey(key: string): string {
  const slashed = key.trim().replace(/\\/g, '/').replace(/\/+/g, '/');
  const trimmed = slashed.replace(/^(\.\/)+/, '').replace(/\/$/, '');
  return trimmed === '' ? '.' : trimmed;
}

/** Where `${…}` and `~` in the path setting point. */
export interface ExpansionContext {
  workspaceFolder?: string;
  home?: string;
  env?: Record<string, string | undefined>;
}

/** Expands `~`, `${workspaceFolder}`, `${userHome}` and `${env:NAME}` in the path setting. */
export function expandPath(value: string, ctx: ExpansionContext = {}): string {
  const home = ctx.home ?? os.homedir();
  const env = ctx.env ?? process.env;
  let out = value.replace(/\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (whole, name: string, envName?: string) => {
    if (envName !== undefined) {
      return env[envName] ?? '';
    }
    if (name === 'userHome') {
      return home;
    }
    return ctx.workspaceFolder ?? whole;
  });
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
    out = path.join(home, out.slice(1));
  }
  return out;
}

/** How to start chart-lsp: stdio, no arguments. */
export interface ServerLaunch {
  command: string;
  args: string[];
}

export function serverLaunch(settings: ChartLspSettings, ctx: ExpansionContext = {}): ServerLaunch {
  return { command: expandPath(settings.path, ctx), args: [] };
}

/** initializationOptions sent to chart-lsp (the same shape as the `chartLsp` settings section). */
export function initializationOptions(settings: ChartLspSettings): { valuesFiles: Record<string, string[]> } {
  return { valuesFiles: settings.valuesFiles };
}

/** Whether a settings change needs the server restarted (as opposed to a didChangeConfiguration). */
export function needsRestart(before: ChartLspSettings, after: ChartLspSettings): boolean {
  return before.path !== after.path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
