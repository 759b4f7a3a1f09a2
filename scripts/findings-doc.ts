// Writes docs/findings.md from the findings table (src/findings/table.ts), the one place codes are declared.
// Usage: node --import tsx scripts/findings-doc.ts   (test/findings/doc.test.ts fails when the file is stale)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FINDINGS, type FindingDefinition } from '../src/findings/index.js';

export const FINDINGS_DOC = 'docs/findings.md';

const SEVERITIES = ['error', 'warning', 'info'] as const;

/** A table cell: pipes would end the cell early. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** docs/findings.md: every code, grouped by severity, in the table's order within each group. */
export function findingsMarkdown(): string {
  const rows = Object.entries(FINDINGS) as [string, FindingDefinition][];
  const lines = [
    '# Findings',
    '',
    '<!-- Generated from src/findings/table.ts by scripts/findings-doc.ts; do not edit by hand. -->',
    '',
    'Every finding wsdissect reports, by the `code` it carries in the JSON report (`findings[].code`).',
    '`error`: the traffic breaks a rule of the protocol. `warning`: the capture or the exchange keeps wsdissect',
    'from seeing everything, or a peer did something legal but suspicious. `info`: worth knowing, allowed.',
  ];
  for (const severity of SEVERITIES) {
    const group = rows.filter(([, row]) => row.severity === severity);
    if (group.length === 0) continue;
    lines.push('', `## ${severity}`, '', '| code | meaning | reference |', '| --- | --- | --- |');
    for (const [code, row] of group) lines.push(`| \`${code}\` | ${cell(row.meaning)} | ${cell(row.reference ?? '')} |`);
  }
  return lines.join('\n') + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(FINDINGS_DOC, findingsMarkdown());
  console.log(`wrote ${FINDINGS_DOC}`);
}
