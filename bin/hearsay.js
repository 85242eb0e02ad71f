#!/usr/bin/env -S node --initial-heap-size=160
// The `hearsay` command: runs the compiled CLI (build with `npm run build`). The shebang passes
// the gateway's V8 flags (src/cli/node-flags.ts, GATEWAY_NODE_FLAGS; a test keeps the two equal).
import "../dist/src/cli/main.js";
