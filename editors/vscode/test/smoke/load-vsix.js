// Smoke test of the packaged extension: unpack the .vsix and require its entry
// point with a stand-in for the `vscode` module (VS Code itself is not
// available in CI). Fails when a runtime dependency is missing from the
// package or a module does not load; checks activate/deactivate are exported.
'use strict';
const assert = require('assert');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');

const vsix = path.resolve(process.argv[2] || 'kubectl-chart.vsix');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-chart-vsix-'));
try {
  try {
    execFileSync('unzip', ['-q', vsix, '-d', dir]);
  } catch {
    execFileSync('python3', ['-m', 'zipfile', '-e', vsix, dir]); // machines without unzip
  }
  const ext = path.join(dir, 'extension');
  const manifest = JSON.parse(fs.readFileSync(path.join(ext, 'package.json'), 'utf8'));
  for (const must of [manifest.main, 'syntaxes/helm.tmLanguage.json', 'language-configuration.json', 'readme.md']) {
    assert.ok(fs.existsSync(path.join(ext, must)), `${must} is in the package`);
  }
  assert.ok(!fs.existsSync(path.join(ext, 'src')), 'TypeScript sources are not packaged');
  assert.ok(!fs.existsSync(path.join(ext, 'out', 'test')), 'tests are not packaged');
  assert.ok(!fs.existsSync(path.join(ext, 'node_modules', 'typescript')), 'dev dependencies are not packaged');

  // Any property of the stand-in is the stand-in; it can be called, constructed and extended.
  const stub = new Proxy(function vscodeStub() {}, {
    get: (target, prop) => (prop === 'prototype' ? target.prototype : prop === Symbol.toPrimitive ? () => '' : stub),
    apply: () => stub,
    construct: () => stub,
  });
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    return request === 'vscode' ? stub : load.call(this, request, parent, isMain);
  };
  // resolve only inside the unpacked package, never from this checkout's node_modules
  const extModule = new Module(path.join(ext, 'loader.js'));
  extModule.paths = Module._nodeModulePaths(ext);
  const mainPath = Module._resolveFilename(path.join(ext, manifest.main), extModule);
  assert.ok(mainPath.startsWith(ext));
  const entry = require(mainPath);
  Module._load = load;
  assert.equal(typeof entry.activate, 'function');
  assert.equal(typeof entry.deactivate, 'function');
  const client = require.resolve('vscode-languageclient/node', { paths: [path.dirname(mainPath)] });
  assert.ok(client.startsWith(ext), `vscode-languageclient resolves inside the package (${client})`);
  console.log('vsix smoke test: ok');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
