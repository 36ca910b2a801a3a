/** Preview URIs, which edits refresh which preview, and the shown text. */
import { strict as assert } from 'assert';
import { test } from 'node:test';
import { editAffectsPreview, previewErrorText, previewLocation, previewText, PREVIEW_SCHEME, sourceOfPreview } from '../../src/preview';

test('the preview of a template is a chart-preview URI carrying the template URI', () => {
  const src = 'file:///ws/web/templates/deployment.yaml';
  const loc = previewLocation(src, '/ws/web/templates/deployment.yaml');
  assert.deepEqual(loc, { scheme: 'chart-preview', path: '/ws/web/templates/deployment (rendered).yaml', query: src });
  assert.equal(sourceOfPreview(loc.scheme, loc.query), src);
});

test('NOTES.txt previews stay text; helpers and Windows paths', () => {
  assert.equal(previewLocation('file:///c/templates/NOTES.txt', '/c/templates/NOTES.txt').path, '/c/templates/NOTES (rendered).txt');
  assert.equal(previewLocation('file:///c/templates/_helpers.tpl', '/c/templates/_helpers.tpl').path, '/c/templates/_helpers (rendered).yaml');
  assert.equal(
    previewLocation('file:///c%3A/w/templates/a.yaml', 'C:\\w\\templates\\a.yaml').path,
    '/C:/w/templates/a (rendered).yaml',
  );
});

test('URIs with spaces and percent escapes survive as the query', () => {
  const src = 'file:///my%20charts/web/templates/a%25b.yaml';
  const loc = previewLocation(src, '/my charts/web/templates/a%b.yaml');
  assert.equal(sourceOfPreview(PREVIEW_SCHEME, loc.query), src);
});

test('foreign URIs are not previews', () => {
  assert.equal(sourceOfPreview('file', 'file:///x'), undefined);
  assert.equal(sourceOfPreview(PREVIEW_SCHEME, ''), undefined);
});

test('an edit refreshes previews of the same outermost chart only', () => {
  const chartOf = (file: string): string | undefined => {
    if (file.startsWith('/ws/web/')) return '/ws/web';
    if (file.startsWith('/ws/api/')) return '/ws/api';
    return undefined;
  };
  const tpl = '/ws/web/templates/deploy.yaml';
  assert.equal(editAffectsPreview(tpl, tpl, chartOf), true);
  assert.equal(editAffectsPreview('/ws/web/values.yaml', tpl, chartOf), true);
  assert.equal(editAffectsPreview('/ws/web/templates/_helpers.tpl', tpl, chartOf), true);
  assert.equal(editAffectsPreview('/ws/web/charts/db/values.yaml', tpl, chartOf), true);
  assert.equal(editAffectsPreview('/ws/api/values.yaml', tpl, chartOf), false);
  assert.equal(editAffectsPreview('/ws/README.md', tpl, chartOf), false);
  // a preview outside any chart is refreshed only by its own edits
  assert.equal(editAffectsPreview('/tmp/b.yaml', '/tmp/a.yaml', chartOf), false);
});

test('preview text for results and errors', () => {
  assert.equal(previewText('kind: ConfigMap\n'), 'kind: ConfigMap\n');
  assert.equal(previewText(''), '');
  assert.match(previewText(null), /^# chart-lsp returned no rendered output/);
  assert.match(previewText(undefined), /^# chart-lsp returned no rendered output/);
  assert.equal(previewText({ a: 1 }), '{\n  "a": 1\n}\n');
  assert.equal(
    previewErrorText('deploy.yaml', 'templates/deploy.yaml:3:12: executing "x": nil pointer\n  detail\n'),
    '# chart-lsp could not render deploy.yaml:\n# templates/deploy.yaml:3:12: executing "x": nil pointer\n#   detail\n',
  );
});
