import assert from "node:assert/strict";
import { runEntry } from "../support/cli.ts";

const HOUR = 3_600_000;
const root = new URL("../../", import.meta.url).pathname;

/** An event log with day-first dates: two rows per ticket, the second one resolving it. */
function eventLog(tickets: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const dayFirst = (ms: number) => {
    const d = new Date(ms);
    return `${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()} ${
      pad(d.getUTCHours())
    }:${pad(d.getUTCMinutes())}`;
  };
  const rows = ["number,incident_state,sys_updated_at,opened_at,assignment_group"];
  const start = Date.UTC(2016, 1, 29);
  for (let i = 0; i < tickets; i++) {
    const opened = start + i * HOUR;
    const group = i % 3;
    const hours = [2, 10, 40][group]! * (1 + (i % 7) / 10);
    rows.push(`INC${i},New,${dayFirst(opened)},${dayFirst(opened)},G${group}`);
    rows.push(`INC${i},Resolved,${dayFirst(opened + hours * HOUR)},${dayFirst(opened)},G${group}`);
  }
  return rows.join("\n") + "\n";
}

Deno.test("backtest CLI: reads an event log, prints the comparison and writes the JSON keys the issue names", async () => {
  const dir = await Deno.makeTempDir({ prefix: "loupe-backtest-e2e-" });
  try {
    await Deno.writeTextFile(`${dir}/incidents.csv`, eventLog(300));
    const result = await runEntry("backtest", [
      "--tickets",
      `${dir}/incidents.csv`,
      "--day-first",
      "--features",
      "assignment_group",
      "--json",
      `${dir}/out.json`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /training median/);
    assert.match(result.stdout, /80% interval: coverage/);
    const report = JSON.parse(await Deno.readTextFile(`${dir}/out.json`));
    for (
      const key of [
        "n_test",
        "mae_h",
        "mdae_h",
        "baseline_global_mae_h",
        "baseline_group_mae_h",
        "within_20",
        "within_50",
        "coverage_80",
        "median_width_80_h",
      ]
    ) assert.equal(typeof report[key], "number", key);
    assert.equal(report.n_test, 60);
    // The group says nearly everything here: the model must beat the training median.
    assert.ok(report.mae_h < report.baseline_global_mae_h);

    const window = await runEntry("backtest", [
      "--tickets",
      `${dir}/incidents.csv`,
      "--day-first",
      "--from",
      "1/3/2016",
      "--to",
      "9/3/2016",
      "--json",
      `${dir}/window.json`,
    ]);
    assert.equal(window.code, 0, window.stderr);
    // Hourly tickets from 1 to 9 March, the to day included: 216, of which the last 44 are tested.
    assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/window.json`)).n_test, 44);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("backtest CLI: a bad flag or a missing column is a clear error, not a crash", async () => {
  const dir = await Deno.makeTempDir({ prefix: "loupe-backtest-e2e-" });
  try {
    await Deno.writeTextFile(`${dir}/incidents.csv`, eventLog(50));
    const noFile = await runEntry("backtest", []);
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /--tickets FILE is required/);
    const badDate = await runEntry("backtest", [
      "--tickets",
      `${dir}/incidents.csv`,
      "--from",
      "soon",
    ]);
    assert.equal(badDate.code, 2);
    assert.match(badDate.stderr, /--from "soon" is not/);
    const badColumn = await runEntry("backtest", [
      "--tickets",
      `${dir}/incidents.csv`,
      "--status",
      "state_of_things",
    ]);
    assert.equal(badColumn.code, 1);
    assert.match(badColumn.stderr, /no status column named "state_of_things"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("replay --tickets imports the scenario's tickets once, however often it runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "loupe-replay-tickets-e2e-" });
  try {
    const args = [
      "--data",
      dir,
      "--customers",
      `${root}fixtures/scenario/customers.csv`,
      "--tickets",
      `${root}fixtures/scenario/tickets.json`,
    ];
    const first = await runEntry("replay", args);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).tickets_imported, 2);
    const second = await runEntry("replay", args);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout).tickets_imported, 0);
    assert.equal(JSON.parse(second.stdout).tickets_already_imported, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("replay --ticket-columns takes the customer and environment from the columns it names, and refuses a column the CSV lacks", async () => {
  const dir = await Deno.makeTempDir({ prefix: "loupe-replay-columns-e2e-" });
  try {
    const csv = `${dir}/tickets.csv`;
    await Deno.writeTextFile(
      csv,
      "Key,Created,Resolved,Company,Site\nT-1,2024-03-01T08:00:00Z,2024-03-01T12:00:00Z,acme,prod\n",
    );
    const args = (columns: string) => [
      "--data",
      `${dir}/data`,
      "--tickets",
      csv,
      "--ticket-columns",
      columns,
    ];
    const mapped = await runEntry("replay", args(`{"customer":"Company","environment":"Site"}`));
    assert.equal(mapped.code, 0, mapped.stderr);
    assert.equal(JSON.parse(mapped.stdout).tickets_imported, 1);

    const unknown = await runEntry("replay", args(`{"environment":"Region"}`));
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no column named "Region" for the environment/);

    const notJson = await runEntry("replay", args("customer=Company"));
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /--ticket-columns: not a JSON object/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
