// The extension's client side against the real chart-lsp (not a fake): the
// settings become initializationOptions exactly as the extension sends them
// (out/src/settings.js), the server is spoken to with the same protocol
// library vscode-languageclient uses, and the preview text comes from
// out/src/preview.js. Checks: an extra values file configured in the
// settings reaches completion and the rendered preview; an unsaved edit gives
// a diagnostic. Usage: node test/server/real-server.js PATH/TO/chart-lsp
'use strict';
const assert = require('assert');
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const rpc = require('vscode-languageserver-protocol/node');
const { readSettings, initializationOptions } = require('../../out/src/settings.js');
const { previewText } = require('../../out/src/preview.js');

const exe = path.resolve(process.argv[2] || '');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-lsp-vscode-'));
const write = (name, text) => {
  fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
  fs.writeFileSync(path.join(root, name), text);
};
write('web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
write('web/values.yaml', 'image:\n  tag: v1\n');
write('web/prod.yaml', 'image:\n  tag: v2\nreplicas: 3\n');
write('web/templates/deploy.yaml', 'tag: {{ .Values.image.tag }}\n');
const template = pathToFileURL(path.join(root, 'web/templates/deploy.yaml')).href;

let passed = 0;
const check = (name, fn) => {
  fn();
  passed += 1;
  console.log(`ok ${passed} - ${name}`);
};

async function main() {
  const child = spawn(exe, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createProtocolConnection(
    new rpc.StreamMessageReader(child.stdout),
    new rpc.StreamMessageWriter(child.stdin),
  );
  const published = [];
  let wake = () => {};
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    published.push(p);
    wake();
  });
  conn.onRequest(() => null);
  conn.listen();
  const diagnostics = async (version) => {
    for (;;) {
      const hit = published.find((p) => p.uri === template && p.version >= version);
      if (hit) {
        return hit.diagnostics;
      }
      await new Promise((resolve, reject) => {
        wake = resolve;
        setTimeout(() => reject(new Error(`no diagnostics for version ${version}`)), 60000);
      });
    }
  };

  const { settings, problems } = readSettings({ valuesFiles: { web: ['prod.yaml'] } });
  check('settings are valid', () => assert.deepStrictEqual(problems, []));
  const rootUri = pathToFileURL(root).href;
  const init = await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'root' }],
    capabilities: {},
    initializationOptions: initializationOptions(settings),
  });
  check('server announces completion and the preview command', () => {
    assert.ok(init.capabilities.completionProvider);
    assert.deepStrictEqual(init.capabilities.executeCommandProvider.commands, ['chart.renderPreview']);
  });
  conn.sendNotification('initialized', {});
  const text = fs.readFileSync(path.join(root, 'web/templates/deploy.yaml'), 'utf8');
  conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri: template, languageId: 'helm', version: 1, text },
  });
  const first = await diagnostics(1);
  check('no diagnostics for a good template', () => assert.deepStrictEqual(first, []));

  const preview = await conn.sendRequest('workspace/executeCommand', {
    command: 'chart.renderPreview',
    arguments: [template],
  });
  check('the preview uses the configured values file', () => assert.strictEqual(previewText(preview), 'tag: v2\n'));

  const items = await conn.sendRequest('textDocument/completion', {
    textDocument: { uri: template },
    position: { line: 0, character: 16 },
  });
  check('completion offers keys of the configured values file', () => {
    const labels = items.map((i) => i.label);
    assert.deepStrictEqual(labels, ['image', 'replicas']);
    assert.strictEqual(items[1].detail, 'int = 3');
  });

  conn.sendNotification('textDocument/didChange', {
    textDocument: { uri: template, version: 2 },
    contentChanges: [{ text: 'tag: {{ required "set x" .Values.x }}\n' }],
  });
  const d = await diagnostics(2);
  check('an unsaved edit gives a diagnostic on the call', () => {
    assert.strictEqual(d.length, 1);
    assert.strictEqual(d[0].message, 'set x');
    assert.deepStrictEqual(d[0].range, { start: { line: 0, character: 8 }, end: { line: 0, character: 34 } });
  });

  await conn.sendRequest('shutdown');
  conn.sendNotification('exit');
  console.log(`vscode client: ${passed} passed, 0 failed`);
}

main()
  .catch((e) => {
    console.log(`not ok - ${e.stack || e}`);
    console.log(`vscode client: ${passed} passed, 1 failed`);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(root, { recursive: true, force: true }));
