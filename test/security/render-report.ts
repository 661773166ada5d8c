/**
 * `npm run security:report`, second step: writes the tables the security suite just saved
 * (test/security/results/*.json, written by a run under TOLLBOOTH_SECURITY_REPORT=1) into
 * SECURITY.md, between each table's `<!-- security:<id>:begin/end -->` markers, and stamps the
 * run. `npm test` then checks the document against its own run, so it cannot go stale.
 *
 * Fails when a table is missing from the results (the suite did not run completely) or when any
 * row says FAILED: a red run is never written into the document as if it were the truth.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { RESULTS_DIR, replaceSection, SECURITY_MD, type SectionResult } from './report';

function readSection(name: string): (SectionResult & { savedAt: string }) | undefined {
  const file = `${RESULTS_DIR}${name}.json`;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SectionResult & { savedAt: string }) : undefined;
}

const problems: string[] = [];
let document = readFileSync(SECURITY_MD, 'utf8');
// Every table the document holds, in document order.
const sections = [...document.matchAll(/<!-- security:([a-z-]+):begin -->/g)].map((match) => match[1] ?? '');
for (const id of sections) {
  const section = readSection(id);
  if (!section) {
    problems.push(`no results for "${id}": run the security suite with TOLLBOOTH_SECURITY_REPORT=1 first`);
    continue;
  }
  const failed = section.rows.filter((row) => row.some((cell) => cell.includes('FAILED')));
  if (failed.length > 0) problems.push(`"${id}" has failing rows: ${failed.map((row) => row[1] ?? row[0]).join('; ')}`);
  const measured = [...section.measured];
  // A property file run by `npm run fuzz:long` saves `<id>-long`: its last long run is quoted under the table.
  const long = readSection(`${id}-long`);
  if (long) {
    const failedProperties = long.rows.filter((row) => row.some((cell) => cell.includes('FAILED'))).map((row) => row[0]);
    const verdict = failedProperties.length > 0 ? `FAILED: ${failedProperties.join('; ')}` : 'every property passed';
    measured.push(`last long run (\`npm run fuzz:long\`, ${long.savedAt.slice(0, 10)}): ${verdict}; ${long.measured.join('; ')}`);
  }
  document = replaceSection(document, { ...section, measured: [...measured, `saved ${section.savedAt}`] });
}

if (problems.length > 0) {
  console.error(`SECURITY.md not updated:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
document = document.replace(
  /<!-- security:run -->.*<!-- \/security:run -->/,
  `<!-- security:run -->Tables generated ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run security:report\` on a working tree at commit ${commit} (Node ${process.version}).<!-- /security:run -->`,
);
writeFileSync(SECURITY_MD, document);
console.log(`SECURITY.md updated: ${sections.join(', ')}.`);
