/**
 * `deno task replay`: imports historical logs (optional), then rebuilds every
 * projection from event position 0. Progress goes to stderr, the summary to
 * stdout.
 */
import { newUlid } from "../../adapters/ulid_ids.ts";
import { REPLAY_USAGE, replayConfig } from "../../adapters/cli/config.ts";
import { formatDuration, ProgressLine } from "../../adapters/cli/progress.ts";
import {
  commitErrorOf,
  type LmdbEventStore,
  storageReason,
} from "../../adapters/lmdb/event_store.ts";
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { privacyConfig } from "../../adapters/cli/privacy_config.ts";
import { LmdbProjectionStore } from "../../adapters/lmdb/projection_store.ts";
import { encodedFileBatches } from "../../adapters/log_sources/parallel_file_source.ts";
import { Loupe } from "../app/loupe.ts";
import { parseCustomerCsv } from "../../adapters/customers/crm_csv.ts";
import type { ImportReceipt } from "../../ports/customers.ts";
import { directoryCustomers } from "../projections/customers.ts";
import { customerImpactCsv, customerImpactJson } from "../../adapters/reports/impact.ts";
import { asOfJson, issueJson, prioritiesJson } from "../../adapters/reports/issues.ts";
import { issueTrendJson } from "../../adapters/reports/trends.ts";
import { queryServices } from "../app/compose.ts";
import { Attribution } from "../customers/attribution.ts";
import { EventsWithin, type RecordRange } from "../app/events_within.ts";
import { PROJECTIONS } from "../app/loupe.ts";
import { readArticles } from "../../adapters/kb/articles_io.ts";
import type { ImportReport } from "../../ports/kb.ts";
import { kbService } from "../kb/mod.ts";
import { parseCsvTickets, parseSimulatorTickets } from "../../adapters/tickets/ticket_import.ts";
import type { TicketImportReceipt } from "../../ports/ticket_import.ts";
import { importTickets } from "../analytics/ticket_import.ts";
import { Projector } from "../app/projector.ts";
import {
  loadedOrExit,
  openLocalStore,
  parsedOrExit,
  storeOpenFailure,
  systemClock,
} from "./cli.ts";
import { loadRedactionSettings } from "../../adapters/redaction/settings.ts";
import { redactorOf } from "../../adapters/redaction/log_redaction.ts";
import { StorageUnavailableError } from "../../ports/storage.ts";

if (import.meta.main) {
  const env = Deno.env.toObject();
  const config = parsedOrExit(() => replayConfig(Deno.args, env), REPLAY_USAGE);
  const redaction = await loadedOrExit(() => loadRedactionSettings(env, config.dataDir));
  // A failed commit also rejects a promise of lmdb-js's own that nobody awaits;
  // the failure is reported where it happened, in one sentence, not as a trace.
  globalThis.addEventListener("unhandledrejection", (event) => event.preventDefault());
  // lmdb-js prints a failed commit's error (with its stack) itself; the import
  // says what happened in its own sentence instead.
  const printError = console.error;
  console.error = (...args: unknown[]) => {
    const [only] = args;
    const lmdbStatus = args.length === 1 && only instanceof Error &&
      typeof (only as { code?: unknown }).code === "number";
    if (!lmdbStatus) printError(...args);
  };
  const clock = systemClock;
  const startedAt = performance.now();
  const { encryption } = parsedOrExit(() => privacyConfig(env));
  let opened;
  try {
    opened = await openLocalStore(config.dataDir, { encryption, clock });
  } catch (error) {
    console.error(
      storeOpenFailure(config.dataDir, error, { cannot: "replay", again: "run it again" }),
    );
    Deno.exit(1);
  }
  const { store, projectionStore } = opened;
  let reportProgress = (_position: number) => {};
  const loupe = await Loupe.start({
    store,
    projectionStore,
    clock,
    newId: newUlid,
    onProgress: (position) => reportProgress(position),
  });

  let customersImported: ImportReceipt | undefined;
  if (config.customersFile !== undefined) {
    try {
      customersImported = await loupe.customerService().importCustomers(
        parseCustomerCsv(await Deno.readTextFile(config.customersFile)),
        { by: "replay" },
      );
    } catch (error) {
      console.error(`Cannot import ${config.customersFile}: ${await failureMessage(error)}`);
      await store.close();
      Deno.exit(1);
    }
  }

  const articlesImported: ImportReport[] = [];
  for (const path of config.articles) {
    try {
      const kb = kbService(loupe, store, projectionStore, undefined, clock, {
        redactor: redactorOf(redaction),
      });
      articlesImported.push(await kb.importArticles(await readArticles(path), { by: "replay" }));
    } catch (error) {
      console.error(`Cannot import articles from ${path}: ${await failureMessage(error)}`);
      await store.close();
      Deno.exit(1);
    }
  }

  let ticketsImported: TicketImportReceipt | undefined;
  if (config.ticketsFile !== undefined) {
    try {
      const text = await Deno.readTextFile(config.ticketsFile);
      const tickets = config.ticketsFile.toLowerCase().endsWith(".csv")
        ? parseCsvTickets(text, { mapping: config.ticketColumns ?? {} })
        : parseSimulatorTickets(JSON.parse(text));
      ticketsImported = await importTickets(
        store,
        tickets,
        () => loupe.settled(),
        "replay",
        redactorOf(redaction),
      );
    } catch (error) {
      console.error(`Cannot import ${config.ticketsFile}: ${await failureMessage(error)}`);
      await store.close();
      Deno.exit(1);
    }
  }

  // Sampled, not exact: enough to see whether memory grows with the input.
  // LMDB's mapped pages count in RSS, so the JS heap is sampled too: it is
  // what would grow if anything were held per record.
  let peakRss = 0;
  let peakHeap = 0;
  const sampleMemory = () => {
    const usage = Deno.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  sampleMemory();
  const rssSampler = setInterval(sampleMemory, 100);
  // With --v8-flags=--expose-gc, the live heap after a full collection at each
  // quarter of the import shows whether memory grows with the input.
  const collect = (globalThis as { gc?: () => void }).gc;
  const liveHeapByQuarter: number[] = [];
  const importStarted = performance.now();
  let read = 0;
  let imported = 0;
  let quarantined = 0;
  let alreadyImported = 0;
  let alreadyQuarantined = 0;
  for (const path of config.imports) {
    // A path that cannot be read is one sentence and exit 1, like a failed
    // commit below: an error thrown here would otherwise reach the swallowed
    // unhandled rejections above and leave the process waiting for good.
    let totalBytes: number;
    try {
      totalBytes = await sizeOf(path);
    } catch (error) {
      console.error(`Cannot import ${path}: ${(error as Error).message}`);
      await closeQuietly(store);
      Deno.exit(1);
    }
    const progress = new ProgressLine(`import ${path}`, performance.now());
    const batches = encodedFileBatches(path, {
      format: config.format,
      layout: config.layout,
      maxLineBytes: config.maxLineBytes,
      referenceTime: clock.now(),
      redaction,
      context: {
        ...(config.customer === undefined ? {} : { customer: config.customer }),
        ...(config.environment === undefined ? {} : { environment: config.environment }),
        ...(config.service === undefined ? {} : { service: config.service }),
        ...(config.version === undefined ? {} : { version: config.version }),
      },
    }, config.batchSize);
    let bytesBefore = 0;
    let currentSource = "";
    let currentBytes = 0;
    const pending: Promise<unknown>[] = [];
    // The first commit that fails (a full disk) stops the import: what was
    // stored before it stays, and the same import run again keeps it once.
    let failure: unknown;
    const stored = (receipt: { duplicate: boolean; accepted: number; quarantined: number }) => {
      if (receipt.duplicate) {
        alreadyImported += receipt.accepted;
        alreadyQuarantined += receipt.quarantined;
      } else {
        imported += receipt.accepted;
        quarantined += receipt.quarantined;
      }
    };
    const reading = batches[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<(typeof batches) extends AsyncIterable<infer B> ? B : never>;
      try {
        next = await reading.next();
      } catch (error) {
        // A file that vanished or cannot be read part way: what came before is kept.
        failure ??= error;
        break;
      }
      if (next.done) break;
      const batch = next.value;
      if (batch.source !== currentSource) {
        bytesBefore += currentBytes;
        currentSource = batch.source;
      }
      currentBytes = batch.lastOffset ?? currentBytes;
      // Batches in flight share LMDB commits, and parsing overlaps the writes.
      // A batch imported before (an import run again after it stopped part
      // way, a rotated file) is recognized by its content and kept once.
      pending.push(
        loupe.ingestDurably({
          source: batch.source,
          format: batch.format,
          context: batch.context,
          records: batch.records,
          quarantined: batch.quarantined,
          idempotencyKey: `import:${batch.contentDigest}`,
        }).then(stored, (error) => {
          failure ??= error;
        }),
      );
      if (pending.length >= 8) await pending.shift();
      if (failure !== undefined) break;
      read += batch.records.count;
      const fraction = totalBytes > 0
        ? Math.min(1, (bytesBefore + currentBytes) / totalBytes)
        : undefined;
      if (
        collect !== undefined && fraction !== undefined &&
        fraction >= (liveHeapByQuarter.length + 1) / 4
      ) {
        await Promise.all(pending);
        collect();
        liveHeapByQuarter.push(Deno.memoryUsage().heapUsed);
      }
      progress.update(
        performance.now(),
        read,
        "records",
        `position ${store.headPosition()}`,
        fraction,
      );
    }
    // Stops the parsing workers when the loop left before the end.
    await reading.return?.().catch(() => {});
    await Promise.all(pending);
    progress.end();
    if (failure !== undefined) {
      // LMDB's C code may already have printed the write error without a line
      // end; the sentence starts on a line of its own.
      console.error(
        `\nCannot import ${path}: ${await failureMessage(failure)}; the ${imported} records ` +
          `stored before it stopped are kept: once there is space, run the same import again ` +
          `and they are recognized and kept once.`,
      );
      await closeQuietly(store);
      Deno.exit(1);
    }
  }

  const importSeconds = (performance.now() - importStarted) / 1000;
  if (collect !== undefined && config.imports.length > 0) {
    while (liveHeapByQuarter.length < 4) {
      collect();
      liveHeapByQuarter.push(Deno.memoryUsage().heapUsed);
    }
  }
  const rssAfterImport = Deno.memoryUsage().rss;
  const head = store.headPosition();
  const replayStarted = performance.now();
  const progress = new ProgressLine("replay", replayStarted);
  reportProgress = (position) =>
    progress.update(
      performance.now(),
      position,
      "events",
      `position ${position}/${head}`,
      position / head,
    );
  try {
    await loupe.rebuild();
  } catch (error) {
    progress.end();
    console.error(
      `Cannot rebuild the views: ${await failureMessage(error)}; the event log is intact: ` +
        `run replay again once there is space.`,
    );
    await closeQuietly(store);
    Deno.exit(1);
  }
  progress.end();
  const status = loupe.status();
  const replaySeconds = (performance.now() - replayStarted) / 1000;
  clearInterval(rssSampler);
  sampleMemory();
  let reports: string[] = [];
  if (config.reportDir !== undefined) {
    reports = config.from === undefined && config.to === undefined
      ? await writeReports(config.reportDir, projectionStore)
      : await writeReportsWithin(config.reportDir, store, config.dataDir, {
        ...(config.from === undefined ? {} : { from: config.from }),
        ...(config.to === undefined ? {} : { to: config.to }),
      });
  }
  const summary = {
    ...(ticketsImported === undefined ? {} : {
      tickets_imported: ticketsImported.imported,
      tickets_already_imported: ticketsImported.alreadyImported,
    }),
    ...(customersImported === undefined ? {} : {
      customers_registered: customersImported.registered.length,
      customers_changed: customersImported.changed.length,
      customers_unchanged: customersImported.unchanged,
    }),
    ...(config.articles.length === 0 ? {} : {
      articles_created: articlesImported.reduce((n, r) => n + r.created, 0),
      articles_updated: articlesImported.reduce((n, r) => n + r.updated, 0),
      articles_unchanged: articlesImported.reduce((n, r) => n + r.unchanged, 0),
    }),
    imported_records: imported,
    imported_quarantined: quarantined,
    already_imported_records: alreadyImported,
    already_imported_quarantined: alreadyQuarantined,
    import_seconds: Number(importSeconds.toFixed(3)),
    import_records_per_second: Math.round(read / Math.max(importSeconds, 1e-3)),
    events: head,
    records_total: status.recordsIngested,
    quarantined_total: status.linesQuarantined,
    signatures: status.signatures,
    replay_seconds: Number(replaySeconds.toFixed(3)),
    replay_records_per_second: Math.round(status.recordsIngested / Math.max(replaySeconds, 1e-3)),
    store_bytes: status.storeBytes,
    rss_after_import_bytes: rssAfterImport,
    peak_rss_bytes: peakRss,
    peak_heap_bytes: peakHeap,
    live_heap_by_quarter_bytes: liveHeapByQuarter,
    ...(config.reportDir === undefined ? {} : { reports_written: reports.length }),
    elapsed: formatDuration((performance.now() - startedAt) / 1000),
  };
  console.log(JSON.stringify(summary, null, 2));
  await store.close();
}

/**
 * The reports for a period: every projection rebuilt, in a scratch store
 * next to the data, from the log as if it held only the period's records.
 */
async function writeReportsWithin(
  dir: string,
  store: LmdbEventStore,
  dataDir: string,
  range: RecordRange,
): Promise<string[]> {
  const scratchDir = await Deno.makeTempDir({ dir: dataDir, prefix: ".report-" });
  const scratch = openLmdb(scratchDir);
  try {
    const projections = new LmdbProjectionStore(scratch);
    await new Projector(new EventsWithin(store, range), projections, PROJECTIONS).catchUp();
    return await writeReports(dir, projections);
  } finally {
    await scratch.close();
    await Deno.remove(scratchDir, { recursive: true });
  }
}

/** The reports a support manager takes to the weekly meeting, as files; returns their paths. */
async function writeReports(dir: string, projections: LmdbProjectionStore): Promise<string[]> {
  const attribution = new Attribution(projections);
  const { impact, trends, issues } = queryServices(projections, attribution);
  await Deno.mkdir(`${dir}/customers`, { recursive: true });
  const written: string[] = [];
  const write = async (name: string, content: string) => {
    await Deno.writeTextFile(`${dir}/${name}`, content);
    written.push(`${dir}/${name}`);
  };
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const { asOf, items } = issues.priorities(100);
  await write(
    "priorities.json",
    json({ ...prioritiesJson(asOf, items), ...asOfJson(issues.asOfInfo(), undefined) }),
  );
  const detected = issues.issues({ limit: 100_000, offset: 0 });
  await write("issues.json", json({ total: detected.total, items: detected.items.map(issueJson) }));
  await write("trends.json", json({ items: trends.trends(13).map(issueTrendJson) }));
  const ids = new Set([
    ...directoryCustomers(projections).map((c) => c.customerId),
    ...attribution.origins().flatMap((o) => o.customer === null ? [] : [o.customer]),
  ]);
  await write("customers.json", json({ customers: [...ids].sort() }));
  for (const id of [...ids].sort()) {
    const report = impact.customerImpact(id, { minSeverity: 13, limit: 10_000 });
    const file = id.replace(/[^\w.-]/g, "_");
    await write(`customers/${file}.json`, json(customerImpactJson(report)));
    await write(`customers/${file}.csv`, customerImpactCsv(report));
  }
  return written;
}

async function sizeOf(path: string): Promise<number> {
  const info = await Deno.stat(path);
  if (info.isFile) return path.endsWith(".gz") ? 0 : info.size;
  let total = 0;
  for await (const entry of Deno.readDir(path)) {
    if (!entry.name.startsWith(".")) total += await sizeOf(`${path}/${entry.name}`);
  }
  return total;
}

/** What went wrong, as the end of one sentence: a storage fault says why, not a stack trace. */
async function failureMessage(error: unknown): Promise<string> {
  if (error instanceof StorageUnavailableError) return error.reason;
  const cause = await commitErrorOf(error);
  const text = cause instanceof Error ? cause.message : String(cause);
  return /ENOSPC|No space left|MDB_MAP_FULL|Input\/output error|EIO/i.test(text)
    ? storageReason(cause)
    : text.split("\n")[0]!;
}

/** Why the store could not be opened, in one sentence an operator can act on. */
/**
 * Closes the store after a failed commit, giving up after a second: lmdb-js
 * can wait for ever on writes that will not complete, and LMDB needs no
 * close to stay consistent.
 */
async function closeQuietly(environment: { close(): Promise<void> }): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      environment.close(),
      new Promise((resolve) => timer = setTimeout(resolve, 1_000)),
    ]);
  } catch {
    // Closing after a failed commit may fail as well; the failure is already reported.
  } finally {
    clearTimeout(timer);
  }
}
