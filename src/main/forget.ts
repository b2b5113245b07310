/**
 * `deno task forget --customer ID`: forgets a customer (their keys deleted,
 * every view rebuilt without their data, the store's file compacted so no
 * freed page keeps any of it). `deno task forget --retention` drops every
 * customer's data past its retention now. Run it with the service stopped:
 * one process writes a store. The receipt goes to stdout as JSON.
 */
import { parseArgs } from "node:util";
import { newUlid } from "../../adapters/ulid_ids.ts";
import { privacyConfig } from "../../adapters/cli/privacy_config.ts";
import { dataDirOf } from "../../adapters/cli/config.ts";
import { compactLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { erasureOf, Loupe } from "../app/loupe.ts";
import { openLocalStore, parsedOrExit, systemClock } from "./cli.ts";

export const FORGET_USAGE = `Usage: deno task forget --customer ID [--by NAME] [--data DIR]
       deno task forget --retention [--data DIR]

Forgets a customer: every record, ticket and derived fact of theirs becomes unreadable, then the
store's file is compacted. --retention drops every customer's data older than their retention
(LOUPE_RETENTION_DAYS, or their own setting). Stop the service first.
Environment: LOUPE_DATA_DIR (./data), LOUPE_RETENTION_DAYS (none), LOUPE_ENCRYPTION (on)`;

interface ForgetArgs {
  readonly customer?: string;
  readonly retention: boolean;
  readonly by: string | null;
  readonly dataDir: string;
}

export function forgetArgs(
  args: readonly string[],
  env: Record<string, string | undefined>,
): ForgetArgs {
  const { values } = parseArgs({
    args: [...args],
    options: {
      customer: { type: "string" },
      retention: { type: "boolean" },
      by: { type: "string" },
      data: { type: "string" },
    },
    strict: true,
  });
  const customer = values.customer?.trim();
  if ((customer === undefined || customer === "") === (values.retention !== true)) {
    throw new Error("Give either --customer ID or --retention");
  }
  return {
    ...(customer === undefined || customer === "" ? {} : { customer }),
    retention: values.retention === true,
    by: values.by?.trim() || null,
    dataDir: dataDirOf(values.data, env),
  };
}

if (import.meta.main) {
  const env = Deno.env.toObject();
  const { args, privacy } = parsedOrExit(
    () => ({ args: forgetArgs(Deno.args, env), privacy: privacyConfig(env) }),
    FORGET_USAGE,
  );
  const clock = systemClock;
  let erased;
  try {
    const { store, projectionStore } = await openLocalStore(args.dataDir, {
      encryption: privacy.encryption,
      clock,
    });
    try {
      const loupe = await Loupe.start({ store, projectionStore, clock, newId: newUlid });
      const erasure = erasureOf(loupe, {
        store,
        clock,
        defaultRetentionDays: privacy.retentionDays,
      });
      erased = args.customer === undefined
        ? { retention: await erasure.applyRetention() }
        : { forgotten: await erasure.forget(args.customer, args.by ?? "forget task") };
    } finally {
      await store.close();
    }
    await compactLmdb(args.dataDir);
  } catch (error) {
    console.error(`Cannot forget: ${(error as Error).message}`);
    Deno.exit(1);
  }
  console.log(JSON.stringify(erased, null, 2));
}
