// One picture of the four SDKs' throughput. The Python, Java and Ruby benchmark programs print
// Markdown tables, not JSON, so their figures are transcribed from docs/BENCHMARKS.md into
// docs/bench-data/sdk-languages.json (which names its sources); nothing here is re-measured.
import { barChart } from "../common/plot.js";
import type { Plot } from "./source.js";

/** docs/bench-data/sdk-languages.json. */
export interface SdkLanguagesJson {
  kind: "sdk-languages";
  /** Where the figures were transcribed from: tables, dates, commits, machine. */
  sources: string[];
  /** Series names (transports), one bar each per SDK. */
  transports: string[];
  sdks: Array<{ sdk: string; goalPerS: number; throughputPerS: Array<number | null> }>;
}

export function isSdkLanguages(j: unknown): j is SdkLanguagesJson {
  return (j as Partial<SdkLanguagesJson>).kind === "sdk-languages";
}

export function sdkLanguagesPlots(j: SdkLanguagesJson, file: string): Plot[] {
  return [
    {
      name: "sdk-languages-throughput.svg",
      svg: barChart({
        title: "SDKs: publish at gateway 1 -> subscribe at gateway 2, flat out (256 B payloads)",
        subtitle:
          "digests delivered per second through each SDK (two hearsay agents on loopback); each SDK's goal under its name",
        y: { label: "digests delivered per second" },
        series: j.transports,
        groups: j.sdks.map((s) => ({
          label: `${s.sdk} (goal ${s.goalPerS.toLocaleString("en-US")}/s)`,
          values: s.throughputPerS,
        })),
        footer: [`${file}: transcribed from tables, not re-measured`, ...j.sources],
      }),
    },
  ];
}
