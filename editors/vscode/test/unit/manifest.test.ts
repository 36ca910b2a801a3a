/**
 * The manifest (package.json) agrees with the code: command ids, settings and
 * their defaults, the language id, the grammar, the activation events.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { COMMAND_OPEN_PREVIEW, COMMAND_RESTART_SERVER, HELM_LANGUAGE_ID, SETTINGS_SECTION } from '../../src/ids';
import { DEFAULT_SETTINGS } from '../../src/settings';

// compiled to out/test/unit/: the extension root is three levels up
const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const contributes = manifest.contributes;

test('contributed commands are the ones the code registers', () => {
  const ids = contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual(ids, [COMMAND_OPEN_PREVIEW, COMMAND_RESTART_SERVER].sort());
  const preview = contributes.commands.find((c: { command: string }) => c.command === COMMAND_OPEN_PREVIEW);
  assert.equal(`${preview.category}: ${preview.title}`, 'Chart: Open Rendered Preview');
});

test('settings and their defaults match the settings module', () => {
  const props = contributes.configuration.properties;
  assert.equal(props[`${SETTINGS_SECTION}.path`].default, DEFAULT_SETTINGS.path);
  assert.deepEqual(props[`${SETTINGS_SECTION}.valuesFiles`].default, DEFAULT_SETTINGS.valuesFiles);
  assert.equal(props[`${SETTINGS_SECTION}.previewDelay`].default, DEFAULT_SETTINGS.previewDelay);
  for (const key of Object.keys(props)) {
    assert.ok(key.startsWith(`${SETTINGS_SECTION}.`), key);
  }
});

test('the helm language, its grammar and configuration files exist and agree', () => {
  const lang = contributes.languages.find((l: { id: string }) => l.id === HELM_LANGUAGE_ID);
  assert.ok(lang, 'helm language contributed');
  assert.ok(lang.extensions.includes('.tpl'));
  assert.ok(lang.filenamePatterns.includes('**/templates/**/NOTES.txt'));
  const languageConfig = JSON.parse(fs.readFileSync(path.join(root, lang.configuration), 'utf8'));
  assert.equal(languageConfig.comments.lineComment, '#');

  const grammarEntry = contributes.grammars.find((g: { language: string }) => g.language === HELM_LANGUAGE_ID);
  const grammar = JSON.parse(fs.readFileSync(path.join(root, grammarEntry.path), 'utf8'));
  assert.equal(grammar.scopeName, grammarEntry.scopeName);
  // every `#name` include points at a repository entry
  const includes = JSON.stringify(grammar).match(/"include":"#[^"]+"/g) ?? [];
  assert.ok(includes.length > 10);
  for (const inc of includes) {
    const name = inc.slice('"include":"#'.length, -1);
    assert.ok(name in grammar.repository, `missing repository entry ${name}`);
  }
});

test('activation, entry point and the languageclient dependency', () => {
  assert.ok(manifest.activationEvents.includes(`onLanguage:${HELM_LANGUAGE_ID}`));
  assert.ok(manifest.activationEvents.includes('workspaceContains:**/Chart.yaml'));
  assert.equal(manifest.main, './out/src/extension.js');
  assert.ok(fs.existsSync(path.join(root, manifest.main)), 'compiled entry point exists');
  assert.ok(manifest.dependencies['vscode-languageclient']);
});
