/** Settings validation and what chart-lsp receives. */
import { strict as assert } from 'assert';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, expandPath, initializationOptions, needsRestart, normalizeChartKey, readSettings, serverLaunch } from '../../src/settings';

test('missing or empty settings give the defaults without problems', () => {
  for (const raw of [undefined, null, {}, { path: '' }]) {
    const { settings, problems } = readSettings(raw);
    assert.deepEqual(settings, { path: 'chart-lsp', valuesFiles: {}, previewDelay: 150 });
    assert.deepEqual(problems, []);
  }
});

test('valid settings are kept; chart keys are normalized', () => {
  const { settings, problems } = readSettings({
    path: '  /opt/bin/chart-lsp ',
    previewDelay: 80.4,
    valuesFiles: { './charts/web/': ['values-prod.yaml', ' secrets.yaml'], 'charts\\db': ['db.yaml'], '': ['root.yaml'] },
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(settings, {
    path: '/opt/bin/chart-lsp',
    previewDelay: 80,
    valuesFiles: { 'charts/web': ['values-prod.yaml', 'secrets.yaml'], 'charts/db': ['db.yaml'], '.': ['root.yaml'] },
  });
});

test('the order of values files is preserved (it is the -f order)', () => {
  const { settings } = readSettings({ valuesFiles: { web: ['z.yaml', 'a.yaml', 'm.yaml'] } });
  assert.deepEqual(settings.valuesFiles.web, ['z.yaml', 'a.yaml', 'm.yaml']);
});

test('invalid values are reported and replaced by defaults', () => {
  const { settings, problems } = readSettings({
    path: 42,
    previewDelay: -1,
    valuesFiles: { good: ['a.yaml'], notAList: 'b.yaml', badItem: ['ok.yaml', 3], blank: [''] },
  });
  assert.equal(settings.path, DEFAULT_SETTINGS.path);
  assert.equal(settings.previewDelay, DEFAULT_SETTINGS.previewDelay);
  assert.deepEqual(settings.valuesFiles, { good: ['a.yaml'] });
  assert.equal(problems.length, 5);
  assert.match(problems[0], /chartLsp\.path must be a string/);
  assert.match(problems[1], /previewDelay/);
  assert.match(problems.join('\n'), /valuesFiles\["notAList"\]/);
  assert.match(problems.join('\n'), /valuesFiles\["badItem"\]/);
  assert.match(problems.join('\n'), /valuesFiles\["blank"\]/);

  const wrongShape = readSettings({ valuesFiles: ['a.yaml'] });
  assert.deepEqual(wrongShape.settings.valuesFiles, {});
  assert.equal(wrongShape.problems.length, 1);
});

test('normalizeChartKey', () => {
  assert.equal(normalizeChartKey('charts/web'), 'charts/web');
  assert.equal(normalizeChartKey('./charts//web/'), 'charts/web');
  assert.equal(normalizeChartKey('./'), '.');
  assert.equal(normalizeChartKey('.'), '.');
});

test('path expansion: ~, ${userHome}, ${workspaceFolder}, ${env:X}', () => {
  const ctx = { home: '/home/me', workspaceFolder: '/ws', env: { TOOLS: '/opt/tools' } };
  assert.equal(expandPath('chart-lsp', ctx), 'chart-lsp');
  assert.equal(expandPath('~/bin/chart-lsp', ctx), '/home/me/bin/chart-lsp');
  assert.equal(expandPath('${userHome}/bin/chart-lsp', ctx), '/home/me/bin/chart-lsp');
  assert.equal(expandPath('${workspaceFolder}/target/debug/chart-lsp', ctx), '/ws/target/debug/chart-lsp');
  assert.equal(expandPath('${env:TOOLS}/chart-lsp', ctx), '/opt/tools/chart-lsp');
  assert.equal(expandPath('${env:MISSING}/chart-lsp', ctx), '/chart-lsp');
  // without a workspace folder the variable stays visible in the error message
  assert.equal(expandPath('${workspaceFolder}/x', { home: '/h', env: {} }), '${workspaceFolder}/x');
  assert.equal(expandPath('a~b', ctx), 'a~b');
});

test('serverLaunch starts the expanded path with no arguments', () => {
  const { settings } = readSettings({ path: '${workspaceFolder}/target/debug/chart-lsp' });
  assert.deepEqual(serverLaunch(settings, { workspaceFolder: '/ws', home: '/h', env: {} }), {
    command: '/ws/target/debug/chart-lsp',
    args: [],
  });
});

test('initializationOptions carry valuesFiles in the chartLsp settings shape', () => {
  const { settings } = readSettings({ valuesFiles: { 'charts/web': ['values-prod.yaml'] } });
  assert.deepEqual(initializationOptions(settings), { valuesFiles: { 'charts/web': ['values-prod.yaml'] } });
});

test('only a new server path needs a restart', () => {
  const a = readSettings({ path: 'chart-lsp' }).settings;
  assert.equal(needsRestart(a, readSettings({ path: '/other/chart-lsp' }).settings), true);
  assert.equal(needsRestart(a, readSettings({ valuesFiles: { x: ['y.yaml'] }, previewDelay: 10 }).settings), false);
});
