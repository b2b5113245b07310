/**
 * `deno task tokens`: create, list and revoke API tokens in the store under
 * LOUPE_DATA_DIR (or --data). One process writes a store, so this runs with
 * the service stopped; while it runs, admins use `POST /v1/tokens`.
 *
 *   deno task tokens create --role agent --name alice
 *   deno task tokens list
 *   deno task tokens revoke 01J...
 */
import { parseArgs } from "node:util";
import { newUlid } from "../../adapters/ulid_ids.ts";
import { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { parseRole } from "../../domain/access/principal.ts";
import { dataDirOf } from "../../adapters/cli/config.ts";
import { tokenJson } from "../../adapters/http/access_routes.ts";
import { EventTokenStore } from "../access/tokens.ts";
import { parsedOrExit, systemClock } from "./cli.ts";

export const TOKENS_USAGE = `Usage:
  deno task tokens create --role ROLE --name NAME [--json]
  deno task tokens list [--json]
  deno task tokens revoke ID [--json]
Options: --data DIR (default LOUPE_DATA_DIR, else ./data)
Roles: admin, agent, customer:<id>, ingest:<customer>/<environment>
Run it with the service stopped; while it runs, use POST/GET /v1/tokens and DELETE /v1/tokens/:id.`;

/** What the command line asks for. */
export type TokensCommand =
  | { readonly kind: "create"; readonly role: string; readonly name: string }
  | { readonly kind: "list" }
  | { readonly kind: "revoke"; readonly tokenId: string };

/** Reads the arguments; throws with what is wrong. */
export function tokensCommand(
  args: readonly string[],
  env: Record<string, string | undefined>,
): { command: TokensCommand; dataDir: string; json: boolean } {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      role: { type: "string" },
      name: { type: "string" },
      data: { type: "string" },
      json: { type: "boolean", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const dataDir = dataDirOf(values.data, env);
  const [verb, ...rest] = positionals;
  let command: TokensCommand;
  switch (verb) {
    case "create":
      if (values.role === undefined || values.name === undefined) {
        throw new Error("Cannot create a token: give --role and --name");
      }
      if (parseRole(values.role) === null) {
        throw new Error(`Cannot create a token: ${values.role} is not a role`);
      }
      command = { kind: "create", role: values.role, name: values.name };
      break;
    case "list":
      command = { kind: "list" };
      break;
    case "revoke":
      if (rest.length !== 1) throw new Error("Cannot revoke: give exactly one token id");
      command = { kind: "revoke", tokenId: rest[0]! };
      break;
    default:
      throw new Error(verb === undefined ? "Missing command" : `Unknown command ${verb}`);
  }
  if (verb !== "revoke" && rest.length > 0) throw new Error(`Unexpected argument ${rest[0]}`);
  return { command, dataDir, json: values.json === true };
}

if (import.meta.main) {
  const { command, dataDir, json } = parsedOrExit(
    () => tokensCommand(Deno.args, Deno.env.toObject()),
    TOKENS_USAGE,
  );
  let environment;
  try {
    environment = openLmdb(dataDir);
  } catch (error) {
    console.error(
      `${
        (error as Error).message.split("\n")[0]
      }\n(while the service runs, use POST /v1/tokens with an admin token)`,
    );
    Deno.exit(1);
  }
  const clock = systemClock;
  const store = new LmdbEventStore(environment, { clock });
  const tokens = await EventTokenStore.open({ store, clock, newId: newUlid });
  let code = 0;
  try {
    switch (command.kind) {
      case "create": {
        const created = await tokens.create({ name: command.name, role: parseRole(command.role)! });
        if (json) {
          console.log(JSON.stringify({ ...tokenJson(created.token), secret: created.secret }));
        } else {
          console.error(
            `Created token ${created.token.tokenId} for ${created.token.name} (${command.role}).` +
              "\nIts secret, shown only now (Loupe keeps only its hash); send it as `Authorization: Bearer <secret>`:",
          );
          console.log(created.secret);
        }
        break;
      }
      case "list": {
        const all = tokens.list().map(tokenJson);
        if (json) console.log(JSON.stringify(all));
        else {
          for (const t of all) {
            console.log(
              [
                t.id,
                t.role,
                t.name,
                t.created_at,
                t.revoked_at === null ? "active" : `revoked ${t.revoked_at}`,
              ]
                .join("\t"),
            );
          }
        }
        break;
      }
      case "revoke": {
        const revoked = await tokens.revoke(command.tokenId);
        if (revoked === null) {
          console.error(`Cannot revoke ${command.tokenId}: there is no such token`);
          code = 1;
        } else if (json) console.log(JSON.stringify(tokenJson(revoked)));
        else console.log(`Revoked ${revoked.tokenId} (${revoked.name})`);
        break;
      }
    }
  } catch (error) {
    console.error((error as Error).message);
    code = 1;
  }
  await environment.close();
  Deno.exit(code);
}
