/**
 * `deno task backtest --tickets FILE ...`: how well Loupe would have predicted
 * the time to resolve on someone's own ticket history. Progress and warnings
 * go to stderr, the report to stdout, and with --json the figures to a file.
 */
import { BACKTEST_USAGE, backtestConfig } from "../../adapters/cli/backtest_config.ts";
import { parseTicketHistoryCsv } from "../../adapters/tickets/history_csv.ts";
import {
  type BacktestReport,
  lopsidedOpenings,
  runBacktest,
} from "../../domain/analytics/backtest.ts";
import { parsedOrExit } from "./cli.ts";

if (import.meta.main) {
  const config = parsedOrExit(() => backtestConfig(Deno.args), BACKTEST_USAGE);
  const started = performance.now();
  try {
    const parsed = parseTicketHistoryCsv(await Deno.readTextFile(config.ticketsFile), {
      columns: {
        id: config.id,
        opened: config.opened,
        resolved: config.resolved,
        status: config.status,
        features: config.features,
        text: config.text,
      },
      resolvedStatuses: config.resolvedStatuses,
      dayFirst: config.dayFirst,
    });
    const c = parsed.columns;
    console.error(
      `read ${parsed.rows} rows, ${parsed.tickets.length} tickets (id ${c.id}, opened ${
        c.opened ?? c.changedAt
      }, resolved ${c.status ? `status ${c.status} at ${c.changedAt}` : ""}${
        c.status && c.resolved ? " or " : ""
      }${c.resolved ?? ""}); features: ${c.features.join(", ") || "none"}; text: ${
        c.text.join(", ") || "none"
      }`,
    );
    if (parsed.escalationFrom !== undefined) {
      console.error(`escalated (needs engineering): ${parsed.escalationFrom}`);
    }
    if (parsed.skipped.length > 0) {
      console.error(
        `skipped ${parsed.skipped.length} tickets, e.g. ${parsed.skipped[0]!.id}: ${
          parsed.skipped[0]!.reason
        }`,
      );
    }
    const warning = lopsidedOpenings(parsed.tickets.map((t) => t.openedAt));
    const inWindow = parsed.tickets.filter((t) =>
      (config.from === undefined || t.openedAt >= config.from) &&
      (config.to === undefined || t.openedAt < config.to)
    );
    if (warning !== undefined) {
      console.error(
        `warning: ${warning}${
          config.from !== undefined || config.to !== undefined ? " (a window is set)" : ""
        }`,
      );
    }
    const unresolved = inWindow.filter((t) => t.resolvedAt === null).length;
    if (unresolved > 0) {
      console.error(`${unresolved} tickets in the window never resolved: left out of the split`);
    }
    const report = runBacktest({
      tickets: inWindow,
      features: c.features,
      useText: c.text.length > 0,
    });
    console.log(formatReport(report));
    console.error(`took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (config.jsonOut !== undefined) {
      await Deno.writeTextFile(config.jsonOut, JSON.stringify(jsonReport(report), null, 2) + "\n");
    }
  } catch (error) {
    console.error(`Cannot backtest ${config.ticketsFile}: ${(error as Error).message}`);
    Deno.exit(1);
  }
}

/** The figures under the keys the issue names, then the context around them. */
export function jsonReport(r: BacktestReport): Record<string, number> {
  return {
    n_test: r.n_test,
    mae_h: r.mae_h,
    mdae_h: r.mdae_h,
    baseline_global_mae_h: r.baseline_global_mae_h,
    baseline_group_mae_h: r.baseline_group_mae_h,
    within_20: r.within_20,
    within_50: r.within_50,
    coverage_80: r.coverage_80,
    median_width_80_h: r.median_width_80_h,
    baseline_global_mdae_h: r.baseline_global_mdae_h,
    baseline_group_mdae_h: r.baseline_group_mdae_h,
    ratio_to_global: r.ratio_to_global,
    ratio_to_group: r.ratio_to_group,
    n_train: r.n_train,
    n_calibration: r.n_calibration,
    train_median_h: r.train_median_h,
    test_median_h: r.test_median_h,
    ...(r.engineering === undefined ? {} : {
      engineering_n_test: r.engineering.n,
      engineering_positives: r.engineering.positives,
      engineering_brier: r.engineering.brier,
      engineering_base_rate_brier: r.engineering.baseRateBrier,
      engineering_log_loss: r.engineering.logLoss,
    }),
  };
}

export function formatReport(r: BacktestReport): string {
  const h = (v: number) => `${v.toFixed(2)} h`;
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return [
    `tickets: ${r.n_train} train, ${r.n_calibration} calibrate, ${r.n_test} test (split by open time)`,
    `median time to resolve: ${h(r.train_median_h)} in training, ${h(r.test_median_h)} in test`,
    ``,
    `                         MAE        median abs error`,
    `model            ${h(r.mae_h).padStart(12)}  ${h(r.mdae_h).padStart(12)}`,
    `training median  ${h(r.baseline_global_mae_h).padStart(12)}  ${
      h(r.baseline_global_mdae_h).padStart(12)
    }`,
    `group median     ${h(r.baseline_group_mae_h).padStart(12)}  ${
      h(r.baseline_group_mdae_h).padStart(12)
    }`,
    ``,
    `MAE ratio: ${r.ratio_to_global.toFixed(3)}x training median, ${
      r.ratio_to_group.toFixed(3)
    }x group median`,
    `within ±20%: ${pct(r.within_20)}, within ±50%: ${pct(r.within_50)}`,
    `80% interval: coverage ${pct(r.coverage_80)}, median width ${h(r.median_width_80_h)}`,
    ...(r.engineering === undefined ? [] : engineeringLines(r.engineering)),
  ].join("\n");
}

function engineeringLines(e: NonNullable<BacktestReport["engineering"]>): string[] {
  return [
    ``,
    `needs engineering (${e.positives} of ${e.n} test tickets escalated): Brier score ${
      e.brier.toFixed(4)
    }, always ${(e.baseRate * 100).toFixed(1)}%: ${e.baseRateBrier.toFixed(4)}; log loss ${
      e.logLoss.toFixed(4)
    }`,
    `  predicted      tickets  mean predicted  observed`,
    ...e.table.map((b) =>
      `  ${b.from.toFixed(1)}-${b.to.toFixed(1)}  ${String(b.n).padStart(12)}  ${
        b.meanPredicted.toFixed(3).padStart(14)
      }  ${b.observed.toFixed(3).padStart(8)}`
    ),
  ];
}
