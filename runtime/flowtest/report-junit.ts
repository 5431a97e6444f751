/**
 * JUnit XML for CI systems, in the dialect of the Jenkins xUnit plugin's junit-10.xsd (what
 * Jenkins, GitLab, GitHub test reporters and Azure DevOps read): one <testsuite> per test file,
 * one <testcase> per test; a wrong answer is a <failure>, a broken run (service unreachable, time
 * bound hit) an <error>; the failing connection's trace goes to <system-out>.
 */
import type { SuiteResult } from './runner.ts';
import { formatFailure } from './report-text.ts';

export interface JunitOptions {
  /** The suite's name, e.g. the flow's name. */
  suiteName: string;
  /** The test file, shown as the suite's `file` attribute. */
  file: string;
  /** ISO time the run started. */
  timestamp: string;
  hostname?: string;
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function junitXml(result: SuiteResult, options: JunitOptions): string {
  const failures = result.tests.filter((t) => t.failure && !t.failure.error).length;
  const errors = result.tests.filter((t) => t.failure?.error).length;
  const counts = `tests="${result.tests.length}" failures="${failures}" errors="${errors}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="wsflow test" ${counts} time="${seconds(result.durationMs)}">`,
    `  <testsuite name="${attr(options.suiteName)}" ${counts} skipped="0" time="${seconds(result.durationMs)}" timestamp="${attr(options.timestamp)}"${options.hostname ? ` hostname="${attr(options.hostname)}"` : ''} file="${attr(options.file)}">`,
  ];
  for (const test of result.tests) {
    const open = `    <testcase name="${attr(test.name)}" classname="${attr(options.suiteName)}" time="${seconds(test.durationMs)}"`;
    const f = test.failure;
    if (!f) {
      lines.push(`${open}/>`);
      continue;
    }
    const tag = f.error ? 'error' : 'failure';
    const message = `${f.step > 0 ? `step ${f.step} ${f.label}` : f.label}: ${f.message}`;
    const details = formatFailure(f, options.file).map((l) => l.trim()).join('\n');
    lines.push(`${open}>`);
    lines.push(`      <${tag} message="${attr(message)}" type="${f.error ? 'error' : 'assertion'}">${text(details)}</${tag}>`);
    if (f.trace.length > 0) lines.push(`      <system-out>${text(f.trace.join('\n'))}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

/** Characters XML 1.0 cannot hold at all (control characters, lone surrogates) become U+FFFD. */
function clean(value: string): string {
  // Matching control characters is the point here: XML 1.0 cannot carry them.
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
