import { defineConfig } from "vitest/config"

/** Benchmarks run on the TypeScript sources directly; they start no processes, so no build is needed. */
export default defineConfig({
  test: {
    include: [],
    benchmark: { include: ["bench/**/*.bench.ts"] }
  }
})
