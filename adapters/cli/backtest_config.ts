import { parseArgs } from "node:util";
import { type HistoryColumns, parseTicketTime } from "../tickets/history_csv.ts";
import { DAY_MS } from "../../domain/time.ts";

/** How `deno task backtest` runs; the columns it names are the history reader's (but an event log's time). */
export interface BacktestConfig extends Omit<HistoryColumns, "changedAt"> {
  readonly ticketsFile: string;
  /** Opened-time window, epoch ms: `from` inclusive, `to` exclusive. */
  readonly from?: number;
  readonly to?: number;
  readonly resolvedStatuses?: readonly string[];
  readonly dayFirst: boolean;
  readonly jsonOut?: string;
}

export const BACKTEST_USAGE =
  `Usage: deno task backtest --tickets FILE [--from DATE] [--to DATE] [--id COL] [--opened COL]
  [--resolved COL] [--status COL] [--resolved-status S,S...] [--features COL,COL...]
  [--text COL,COL...] [--day-first] [--json OUT]

Dates: ISO 8601, epoch seconds or milliseconds, or day-first 29/2/2016 01:16 with --day-first.
A --to without a time of day includes that whole day.`;

/** Reads backtest flags; throws an Error that says which value is wrong. */
export function backtestConfig(args: readonly string[]): BacktestConfig {
  const { values } = parseArgs({
    args: [...args],
    options: {
      tickets: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      id: { type: "string" },
      opened: { type: "string" },
      resolved: { type: "string" },
      status: { type: "string" },
      "resolved-status": { type: "string" },
      features: { type: "string" },
      text: { type: "string" },
      "day-first": { type: "boolean" },
      json: { type: "string" },
    },
    strict: true,
  });
  if (values.tickets === undefined || values.tickets === "") {
    throw new Error("Invalid arguments: --tickets FILE is required");
  }
  const dayFirst = values["day-first"] ?? false;
  const date = (flag: string, value: string | undefined, endOfDay: boolean) => {
    if (value === undefined) return undefined;
    const time = parseTicketTime(value, dayFirst);
    if (time === undefined) {
      throw new Error(
        `Invalid arguments: --${flag} "${value}" is not an ISO 8601 date, epoch seconds or milliseconds${
          dayFirst ? ", or a day-first date" : ""
        }`,
      );
    }
    const dateOnly = !/\d:\d/.test(value) && !/^\d+$/.test(value.trim());
    return endOfDay && dateOnly ? time + DAY_MS : time;
  };
  const list = (value: string | undefined) =>
    value === undefined ? undefined : value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const config: BacktestConfig = {
    ticketsFile: values.tickets,
    from: date("from", values.from, false),
    to: date("to", values.to, true),
    id: values.id,
    opened: values.opened,
    resolved: values.resolved,
    status: values.status,
    resolvedStatuses: list(values["resolved-status"]),
    features: list(values.features),
    text: list(values.text),
    dayFirst,
    jsonOut: values.json,
  };
  if (config.from !== undefined && config.to !== undefined && config.from >= config.to) {
    throw new Error("Invalid arguments: --from must be before --to");
  }
  return config;
}
