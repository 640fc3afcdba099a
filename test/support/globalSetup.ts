import { execFileSync } from "node:child_process"

/**
 * Compiles src/ to dist/ once before the tests, because integration tests start the compiled
 * monitor and simulated node as real child processes (plain `node`, no loader).
 */
export default function setup() {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit"
  })
}
