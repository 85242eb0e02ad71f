// The footer every plot carries: which run it was drawn from (file, date,
// version, machine, load, command), so a picture is never separated from its provenance.
import type { Machine } from "../common/machine.js";

export interface Source {
  /** The JSON file the figures come from, relative to the repository (or "this run"). */
  file: string;
  machine: Machine;
  command: string;
  /** 1-minute load average at the end, when the program records it. */
  loadAtEnd?: number;
}

export function footer(s: Source): string[] {
  const m = s.machine;
  const load = `load ${m.loadAtStart.toFixed(2)} at start${s.loadAtEnd === undefined ? "" : `, ${s.loadAtEnd.toFixed(2)} at end`}`;
  return [
    `${s.file}: ${m.date.replace("T", " ").slice(0, 16)} UTC, hearsay ${m.hearsay}, node ${m.node}`,
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; ${load}`,
    `command: ${s.command}`,
  ];
}

/** A plot file to write: name without directory, SVG text. */
export interface Plot {
  name: string;
  svg: string;
}
