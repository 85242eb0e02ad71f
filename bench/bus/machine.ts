// The machine a figure was measured on: shared by every bench program (bench/common).
export * from "../common/machine.js";
