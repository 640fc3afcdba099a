import type { Reporter, TestModule } from "vitest/node"

/**
 * Prints one plain `N passed, N failed` line after vitest's own summary, for CI logs that do not
 * parse vitest's output. A test file that fails to load counts as one failure.
 */
export default class SummaryReporter implements Reporter {
  private line = ""

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
    let passed = 0
    let failed = unhandledErrors.length
    let skipped = 0
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === "passed") passed++
        else if (state === "failed") failed++
        else skipped++
      }
      if (module.state() === "failed" && module.children.size === 0) failed++
    }
    this.line = `${passed} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : "")
  }

  // vitest runs onFinished of all reporters concurrently; the default reporter prints synchronously
  // before this one is reached because it is listed first.
  onFinished() {
    process.stdout.write(this.line + "\n")
  }
}
