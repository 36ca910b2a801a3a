/** Which files are chart templates / values files, and the language a document should get. */
import { strict as assert } from 'assert';
import { test } from 'node:test';
import { classifyChartFile, desiredLanguage, nearestChartRoot, outermostChartRoot, valuesFilePatterns } from '../../src/chartFiles';

/** A fake file system holding just these files. */
function fsWith(...files: string[]): (file: string) => boolean {
  const set = new Set(files);
  return (file) => set.has(file);
}

const fs = fsWith(
  '/ws/web/Chart.yaml',
  '/ws/web/charts/db/Chart.yaml',
  '/ws/lib/Chart.yaml',
);

test('files under a chart templates/ directory are templates, at any depth', () => {
  assert.deepEqual(classifyChartFile('/ws/web/templates/deployment.yaml', fs), { kind: 'template', chartRoot: '/ws/web' });
  assert.deepEqual(classifyChartFile('/ws/web/templates/sub/dir/cm.yml', fs), { kind: 'template', chartRoot: '/ws/web' });
  assert.deepEqual(classifyChartFile('/ws/web/templates/NOTES.txt', fs), { kind: 'template', chartRoot: '/ws/web' });
  assert.deepEqual(classifyChartFile('/ws/web/templates/_helpers.tpl', fs), { kind: 'template', chartRoot: '/ws/web' });
  assert.deepEqual(classifyChartFile('/ws/web/templates/values.yaml', fs), { kind: 'template', chartRoot: '/ws/web' });
});

test('a subchart template belongs to the subchart', () => {
  assert.deepEqual(classifyChartFile('/ws/web/charts/db/templates/sts.yaml', fs), { kind: 'template', chartRoot: '/ws/web/charts/db' });
});

test('*.tpl anywhere inside a chart is a template', () => {
  assert.deepEqual(classifyChartFile('/ws/lib/helpers/common.tpl', fs), { kind: 'template', chartRoot: '/ws/lib' });
  assert.equal(classifyChartFile('/elsewhere/x.tpl', fs), undefined);
});

test('templates/ folders outside charts, and other chart files, are not templates', () => {
  assert.equal(classifyChartFile('/ws/.github/templates/issue.yaml', fs), undefined);
  assert.equal(classifyChartFile('/ws/web/files/config.yaml', fs), undefined);
  assert.equal(classifyChartFile('/ws/web/Chart.yaml', fs), undefined);
  // `templates` must be the chart's own directory, not a deeper folder of that name
  assert.equal(classifyChartFile('/ws/web/files/templates/x.yaml', fs), undefined);
});

test('values*.yaml next to a Chart.yaml are values files', () => {
  assert.deepEqual(classifyChartFile('/ws/web/values.yaml', fs), { kind: 'values', chartRoot: '/ws/web' });
  assert.deepEqual(classifyChartFile('/ws/web/values-prod.yaml', fs), { kind: 'values', chartRoot: '/ws/web' });
  assert.deepEqual(classifyChartFile('/ws/web/values.prod.yml', fs), { kind: 'values', chartRoot: '/ws/web' });
  assert.deepEqual(classifyChartFile('/ws/web/charts/db/values.yaml', fs), { kind: 'values', chartRoot: '/ws/web/charts/db' });
  assert.equal(classifyChartFile('/ws/values.yaml', fs), undefined);
  assert.equal(classifyChartFile('/ws/web/ci/values.yaml', fs), undefined);
  assert.equal(classifyChartFile('/ws/web/myvalues.yaml', fs), undefined);
  assert.equal(classifyChartFile('/ws/web/values.schema.json', fs), undefined);
});

test('nearest and outermost chart roots', () => {
  assert.equal(nearestChartRoot('/ws/web/charts/db/templates/a.yaml', fs), '/ws/web/charts/db');
  assert.equal(outermostChartRoot('/ws/web/charts/db/templates/a.yaml', fs), '/ws/web');
  assert.equal(outermostChartRoot('/ws/web/values.yaml', fs), '/ws/web');
  assert.equal(nearestChartRoot('/tmp/x.yaml', fs), undefined);
  assert.equal(outermostChartRoot('/tmp/x.yaml', fs), undefined);
});

test('desiredLanguage turns guessed languages of templates into helm', () => {
  assert.equal(desiredLanguage('/ws/web/templates/a.yaml', 'yaml', fs), 'helm');
  assert.equal(desiredLanguage('/ws/web/templates/NOTES.txt', 'plaintext', fs), 'helm');
  assert.equal(desiredLanguage('/ws/web/templates/_helpers.tpl', 'smarty', fs), 'helm');
  assert.equal(desiredLanguage('/ws/web/templates/a.yaml', 'helm', fs), undefined);
  // a language the user chose on purpose is left alone
  assert.equal(desiredLanguage('/ws/web/templates/a.yaml', 'markdown', fs), undefined);
});

test('desiredLanguage reverts helm on files that are not chart templates', () => {
  assert.equal(desiredLanguage('/ws/.github/templates/a.yaml', 'helm', fs), 'yaml');
  assert.equal(desiredLanguage('/ws/.github/templates/a.yml', 'helm', fs), 'yaml');
  assert.equal(desiredLanguage('/ws/.github/templates/a.json', 'helm', fs), 'json');
  assert.equal(desiredLanguage('/ws/docs/templates/NOTES.txt', 'helm', fs), 'plaintext');
  assert.equal(desiredLanguage('/elsewhere/a.tpl', 'helm', fs), undefined);
  assert.equal(desiredLanguage('/ws/web/values.yaml', 'yaml', fs), undefined);
});

test('values file patterns: one per chart, sorted, deduplicated, glob characters escaped', () => {
  assert.deepEqual(valuesFilePatterns(['/ws/web/charts/db', '/ws/web', '/ws/web/']), [
    '/ws/web/values*.{yaml,yml}',
    '/ws/web/charts/db/values*.{yaml,yml}',
  ]);
  assert.deepEqual(valuesFilePatterns(['C:\\src\\app[1]{x}']), ['C:/src/app[[]1[]][{]x[}]/values*.{yaml,yml}']);
  assert.deepEqual(valuesFilePatterns([]), []);
});
