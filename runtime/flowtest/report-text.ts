/**
 * The readable report of `wsflow test`: one line per test, and for a failing test the step (with
 * its place in the file), expected vs received, and the trace of that client's connection.
 */
import type { SuiteResult, TestFailure, TestResult } from './runner.ts';

export function formatTestLine(result: TestResult): string {
  return `  ${result.status === 'passed' ? '✓' : '✗'} ${result.name} (${result.durationMs} ms)`;
}

export function formatFailure(failure: TestFailure, file?: string): string[] {
  const where = failure.line !== undefined && file ? ` (${file}:${failure.line}:${failure.col ?? 1})` : '';
  const head = failure.step > 0 ? `step ${failure.step} ${failure.label}` : failure.label;
  const lines = [`      ${head}${where}: ${failure.message}`];
  if (failure.expected !== undefined) lines.push(`        expected: ${failure.expected}`);
  if (failure.received !== undefined) lines.push(`        received: ${failure.received}`);
  if (failure.client && failure.trace.length > 0) {
    lines.push(`        trace of ${failure.client}:`);
    for (const entry of failure.trace.slice(-40)) lines.push(`          ${entry}`);
  }
  return lines;
}

export function formatTestResult(result: TestResult, file?: string): string {
  return [formatTestLine(result), ...(result.failure ? formatFailure(result.failure, file) : [])].join('\n');
}

export function formatSummary(result: SuiteResult): string {
  const failed = result.tests.filter((t) => t.status === 'failed').length;
  const passed = result.tests.length - failed;
  const seconds = (result.durationMs / 1000).toFixed(1);
  return `${passed} passed, ${failed} failed (${result.tests.length} test${result.tests.length === 1 ? '' : 's'}, ${seconds} s)`;
}
