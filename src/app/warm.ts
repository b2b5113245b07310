/**
 * What the service works out once per new hour of data, in the background,
 * so that no request pays for it: shared by `serve` and the console bench,
 * which measures how long `/healthz` waits meanwhile.
 *
 * @module
 */
import type { ImpactService } from "../impact/service.ts";
import { recentSignatures } from "../projections/signatures.ts";
import type { ProjectionReader } from "../../ports/projection_store.ts";
import type { TrendService } from "../trends/service.ts";
import { runPaced } from "../../ports/pacing.ts";

/** Lets timers, I/O and other requests run. */
const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Trends and impact summaries of the signatures still logging and of their
 * issues. Trends one signature, then one issue, at a time and the customers
 * hit a slice at a time (`ImpactService.refresh`), with the event loop free in between: a
 * request that arrives meanwhile waits for one step, not for all of them.
 */
export async function warmHourly(
  reader: ProjectionReader,
  impact: ImpactService,
  trends: TrendService,
): Promise<void> {
  for (const { signatureId } of recentSignatures(reader, 13)) {
    await turn();
    trends.trend(signatureId);
  }
  // The lists answer per issue: their trends and summaries, over the signatures just warmed.
  await runPaced(trends.warmTrends(13));
  await impact.refresh();
}
