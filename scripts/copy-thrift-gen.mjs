#!/usr/bin/env node
// tsc does not emit the CommonJS Thrift stubs (they are .js); copy them beside the compiled code.
import { cpSync } from "node:fs";
cpSync("src/gen/thrift", "dist/src/gen/thrift", { recursive: true });
