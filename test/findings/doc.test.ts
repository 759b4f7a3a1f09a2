import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FINDINGS } from '../../src/findings/index.js';
import { FINDINGS_DOC, findingsMarkdown } from '../../scripts/findings-doc.js';

test(`${FINDINGS_DOC} is up to date with src/findings/table.ts (regenerate: node --import tsx scripts/findings-doc.ts)`, () => {
  assert.equal(readFileSync(FINDINGS_DOC, 'utf8'), findingsMarkdown());
});

test('every code has exactly one row', () => {
  const doc = findingsMarkdown();
  for (const code of Object.keys(FINDINGS)) {
    assert.equal(doc.split(`| \`${code}\` |`).length - 1, 1, code);
  }
});
