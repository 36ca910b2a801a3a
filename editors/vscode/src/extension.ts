/**
 * VS Code entry point: starts chart-lsp for chart templates and values files,
 * keeps template documents on the `helm` language, and serves the rendered
 * preview. Only wiring lives here; the rules are in the pure modules
 * (chartFiles, settings, preview, debounce) that the unit tests cover.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient, LanguageClientOptions, ServerOptions, State } from 'vscode-languageclient/node';
import { classifyChartFile, desiredLanguage, outermostChartRoot, valuesFilePatterns } from './chartFiles';
import { KeyedDebouncer } from './debounce';
import { COMMAND_OPEN_PREVIEW, COMMAND_RESTART_SERVER, HELM_LANGUAGE_ID, SERVER_RENDER_PREVIEW, SETTINGS_SECTION } from './ids';
import { editAffectsPreview, previewErrorText, previewLocation, previewText, PREVIEW_SCHEME, sourceOfPreview } from './preview';
import { ChartLspSettings, initializationOptions, needsRestart, readSettings, serverLaunch } from './settings';

const exists = (file: string): boolean => fs.existsSync(file);

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let current: ChartLspSettings;
/** Chart, lock, values and schema files: their changes on disk are forwarded to the server. */
let chartInputsWatcher: vscode.FileSystemWatcher;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('chart-lsp');
  current = loadSettings();
  chartInputsWatcher = vscode.workspace.createFileSystemWatcher('**/{Chart.yaml,Chart.lock,values*.yaml,values*.yml,values.schema.json,*.tgz}');

  const previews = new PreviewProvider();
  context.subscriptions.push(
    output,
    chartInputsWatcher,
    previews,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews),
    vscode.commands.registerCommand(COMMAND_OPEN_PREVIEW, () => openPreview()),
    vscode.commands.registerCommand(COMMAND_RESTART_SERVER, () => restartClient()),
    vscode.workspace.onDidOpenTextDocument((doc) => fixLanguage(doc)),
    vscode.workspace.onDidChangeTextDocument((e) => previews.documentChanged(e.document)),
    vscode.workspace.onDidSaveTextDocument((doc) => previews.documentChanged(doc)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SETTINGS_SECTION)) {
        return;
      }
      const before = current;
      current = loadSettings();
      previews.setDelay(current.previewDelay);
      if (needsRestart(before, current)) {
        void restartClient();
      } else {
        previews.refreshAll(); // other settings reach the server as didChangeConfiguration
      }
    }),
  );
  vscode.workspace.textDocuments.forEach(fixLanguage);

  // A new or deleted Chart.yaml changes which values files the server sees.
  const chartWatcher = vscode.workspace.createFileSystemWatcher('**/Chart.yaml', false, true, false);
  const restartSoon = new KeyedDebouncer<string>(1000);
  context.subscriptions.push(chartWatcher, { dispose: () => restartSoon.dispose() });
  chartWatcher.onDidCreate(() => restartSoon.schedule('charts', () => void restartClient()));
  chartWatcher.onDidDelete(() => restartSoon.schedule('charts', () => void restartClient()));

  await startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

function loadSettings(): ChartLspSettings {
  const { settings, problems } = readSettings(vscode.workspace.getConfiguration().get(SETTINGS_SECTION));
  for (const problem of problems) {
    output.appendLine(`settings: ${problem}`);
  }
  return settings;
}

/** Templates opened as YAML/plain text become `helm`; non-chart `templates/` files go back. */
function fixLanguage(doc: vscode.TextDocument): void {
  if (doc.uri.scheme !== 'file') {
    return;
  }
  const language = desiredLanguage(doc.uri.fsPath, doc.languageId, exists, HELM_LANGUAGE_ID);
  if (language !== undefined) {
    void vscode.languages.setTextDocumentLanguage(doc, language);
  }
}

async function startClient(): Promise<void> {
  const chartFiles = await vscode.workspace.findFiles('**/Chart.yaml', '**/node_modules/**');
  const chartRoots = chartFiles.map((uri) => vscode.Uri.joinPath(uri, '..').fsPath);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const launch = serverLaunch(current, { workspaceFolder: folder });

  const serverOptions: ServerOptions = { command: launch.command, args: launch.args };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: HELM_LANGUAGE_ID },
      ...valuesFilePatterns(chartRoots).map((pattern) => ({ scheme: 'file', language: 'yaml', pattern })),
    ],
    initializationOptions: initializationOptions(current),
    synchronize: {
      configurationSection: SETTINGS_SECTION,
      fileEvents: chartInputsWatcher,
    },
    outputChannel: output,
  };
  client = new LanguageClient('chartLsp', 'chart-lsp', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    output.appendLine(`could not start "${launch.command}": ${message}`);
    const choice = await vscode.window.showErrorMessage(
      `kubectl-chart: could not start the language server "${launch.command}". Install chart-lsp or set chartLsp.path.`,
      'Open Settings',
    );
    if (choice === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', `${SETTINGS_SECTION}.path`);
    }
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined && running.state === State.Running) {
    await running.stop();
  }
}

async function restartClient(): Promise<void> {
  await stopClient();
  await startClient();
}

async function openPreview(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const doc = editor?.document;
  if (doc === undefined || doc.uri.scheme !== 'file' || classifyChartFile(doc.uri.fsPath, exists)?.kind !== 'template') {
    void vscode.window.showWarningMessage('Chart: Open Rendered Preview works on a template of a chart (a file under templates/ next to a Chart.yaml).');
    return;
  }
  const where = previewLocation(doc.uri.toString(), doc.uri.fsPath);
  const previewUri = vscode.Uri.from({ scheme: where.scheme, path: where.path, query: where.query });
  const previewDoc = await vscode.workspace.openTextDocument(previewUri);
  await vscode.window.showTextDocument(previewDoc, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
}

/** Serves `chart-preview:` documents from chart-lsp and refreshes them, debounced, on edits. */
class PreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly debouncer = new KeyedDebouncer<string>(current.previewDelay);

  setDelay(ms: number): void {
    this.debouncer.setDelay(ms);
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const source = sourceOfPreview(uri.scheme, uri.query);
    if (source === undefined) {
      return '';
    }
    const name = vscode.Uri.parse(source).path.split('/').pop() ?? source;
    if (client === undefined || client.state !== State.Running) {
      return previewErrorText(name, 'the language server is not running (see the chart-lsp output channel)');
    }
    try {
      const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, { command: SERVER_RENDER_PREVIEW, arguments: [source] }, token);
      return previewText(result);
    } catch (err) {
      return previewErrorText(name, err instanceof Error ? err.message : String(err));
    }
  }

  /** An edit (or save) of `doc`: refresh every open preview it can change. */
  documentChanged(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== 'file') {
      return;
    }
    const chartOf = (file: string): string | undefined => outermostChartRoot(file, exists);
    for (const preview of this.openPreviews()) {
      const source = sourceOfPreview(preview.scheme, preview.query);
      if (source !== undefined && editAffectsPreview(doc.uri.fsPath, vscode.Uri.parse(source).fsPath, chartOf)) {
        this.debouncer.schedule(preview.toString(), () => this.changed.fire(preview));
      }
    }
  }

  refreshAll(): void {
    for (const preview of this.openPreviews()) {
      this.debouncer.schedule(preview.toString(), () => this.changed.fire(preview));
    }
  }

  private openPreviews(): vscode.Uri[] {
    return vscode.workspace.textDocuments.filter((d) => d.uri.scheme === PREVIEW_SCHEME && !d.isClosed).map((d) => d.uri);
  }

  dispose(): void {
    this.debouncer.dispose();
    this.changed.dispose();
  }
}
