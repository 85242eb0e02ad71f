// Which plots a results file gives: each file is recognised by its shape (the JSON
// each benchmark program writes with --json).
import { busPlots, isBus } from "./bus.js";
import { isOverlaySim, overlaySimPlots } from "./overlay-sim.js";
import { isOverlayVsSerf, overlayVsSerfPlots } from "./overlay-vs-serf.js";
import { isSdkLanguages, sdkLanguagesPlots } from "./sdk-languages.js";
import { isSdkTypescript, sdkTypescriptPlots } from "./sdk-typescript.js";
import type { Plot } from "./source.js";

/** The plots of one results file (`file` is named in their footers); none when its shape is not known. */
export function plotsOf(json: unknown, file: string): Plot[] {
  // Narrowest shapes first: the bus and overlay-sim checks would accept more.
  if (isSdkLanguages(json)) return sdkLanguagesPlots(json, file);
  if (isSdkTypescript(json)) return sdkTypescriptPlots(json, file);
  if (isOverlayVsSerf(json)) return overlayVsSerfPlots(json, file);
  if (isOverlaySim(json)) return overlaySimPlots(json, file);
  if (isBus(json)) return busPlots(json, file);
  return [];
}
