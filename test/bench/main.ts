/**
 * `deno task bench [name ...] [--json FILE]`: runs the named benchmarks (all
 * by default), prints a table and optionally writes the rows as JSON.
 */
import { parseArgs } from "node:util";
import type { Bench, BenchRow } from "./bench_types.ts";
import { correlationBenches } from "./correlation_bench.ts";
import { impactBenches } from "./impact_bench.ts";
import { ingestBenches } from "./ingest_bench.ts";
import { issueBenches } from "./issue_bench.ts";
import { queryBenches } from "./query_bench.ts";
import { miningBenches } from "./mining_bench.ts";
import { rareErrorBenches } from "./rare_errors_bench.ts";
import { simulateBenches } from "./simulate_bench.ts";
import { robustBenches } from "./robust_bench.ts";
import { kbBenches } from "./kb_bench.ts";
import { kbDraftBenches } from "./kb_drafts_bench.ts";
import { analyticsBenches } from "./analytics_bench.ts";
import { ecosystemBenches } from "./ecosystem_bench.ts";
import { redactionBenches } from "./redaction_bench.ts";
import { syncBenches } from "./sync_bench.ts";
import { consoleBenches } from "./console_bench.ts";
import { shredBenches } from "./shred_bench.ts";
import { argumentProblem } from "../../adapters/cli/usage.ts";

const ALL: readonly Bench[] = [
  ...ingestBenches,
  ...miningBenches,
  ...rareErrorBenches,
  ...correlationBenches,
  ...impactBenches,
  ...issueBenches,
  ...queryBenches,
  ...simulateBenches,
  ...robustBenches,
  ...kbBenches,
  ...kbDraftBenches,
  ...analyticsBenches,
  ...ecosystemBenches,
  ...redactionBenches,
  ...syncBenches,
  ...consoleBenches,
  ...shredBenches,
];

if (import.meta.main) {
  const USAGE = "Usage: deno task bench [name ...] [--json FILE] [--list]";
  let parsed;
  try {
    parsed = parseArgs({
      args: Deno.args,
      options: {
        json: { type: "string" },
        list: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`${argumentProblem(error)}\n\n${USAGE}`);
    Deno.exit(2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(`${USAGE}\nRuns every benchmark, or those named; --list names them.`);
    Deno.exit(0);
  }
  if (values.list) {
    for (const bench of ALL) console.log(`${bench.name.padEnd(20)} ${bench.description}`);
    Deno.exit(0);
  }
  const unknown = positionals.filter((name) => !ALL.some((b) => b.name === name));
  if (unknown.length > 0) {
    console.error(
      `Unknown benchmark: ${unknown.join(", ")}. Known: ${ALL.map((b) => b.name).join(", ")}`,
    );
    Deno.exit(2);
  }
  const selected = positionals.length === 0 ? ALL : ALL.filter((b) => positionals.includes(b.name));
  const rows: BenchRow[] = [];
  for (const bench of selected) {
    console.error(`running ${bench.name}: ${bench.description}`);
    const started = performance.now();
    const produced = await bench.run();
    rows.push(...produced);
    console.error(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    console.log(formatTable(produced));
  }
  if (values.json !== undefined) {
    await Deno.writeTextFile(
      values.json,
      JSON.stringify({ at: new Date().toISOString(), deno: Deno.version.deno, rows }, null, 2) +
        "\n",
    );
  }
  const failed = rows.filter((r) => r.pass === false);
  console.log(
    `\n${rows.length} figures, ${
      rows.filter((r) => r.pass === true).length
    } targets met, ${failed.length} missed`,
  );
  for (const row of failed) {
    console.log(`  missed: ${row.bench} ${row.metric} = ${row.value} (target ${row.target})`);
  }
}

export function formatTable(rows: readonly BenchRow[]): string {
  const header = ["bench", "metric", "value", "unit", "target", "ok", "note"];
  const cells = rows.map((r) => [
    r.bench,
    r.metric,
    formatValue(r.value),
    r.unit,
    r.target ?? "",
    r.pass === undefined ? "" : r.pass ? "yes" : "NO",
    r.note ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c.map((v, i) => (i === 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

function formatValue(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString("en");
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en");
  return value.toFixed(3);
}
