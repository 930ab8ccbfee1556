import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/** Ends the run with one plain line that any CI can read: "e2e: N passed, N failed, N skipped". */
export default class SummaryReporter implements Reporter {
  private readonly outcomes = { passed: 0, failed: 0, skipped: 0 };

  onTestEnd(test: TestCase, result: TestResult) {
    if (result.retry < test.retries && result.status !== 'passed' && result.status !== 'skipped') return;
    if (result.status === 'passed') this.outcomes.passed += 1;
    else if (result.status === 'skipped') this.outcomes.skipped += 1;
    else this.outcomes.failed += 1;
  }

  onEnd() {
    const { passed, failed, skipped } = this.outcomes;
    console.log(`\ne2e: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }

  printsToStdio() {
    return false;
  }
}
