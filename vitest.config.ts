import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/support/globalSetup.ts"],
    // Integration tests start real node processes and sockets; two workers match the CI machine.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // The summary reporter comes last so its plain closing line is the last line printed.
    reporters: ["default", "./test/support/SummaryReporter.ts"]
  }
})
