import assert from "node:assert/strict";
import { loadRedactionSettings, SECRET_FILE } from "./settings.ts";

Deno.test("the secret is made once in the data dir and kept across starts", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-redaction-secret-" });
  try {
    const first = await loadRedactionSettings({}, dataDir);
    const again = await loadRedactionSettings({}, dataDir);
    assert.match(first.secret, /^[0-9a-f]{64}$/);
    assert.equal(again.secret, first.secret);
    assert.equal((await Deno.stat(`${dataDir}/${SECRET_FILE}`)).mode! & 0o077, 0);
    const other = await Deno.makeTempDir({ prefix: "loupe-redaction-secret-" });
    assert.notEqual((await loadRedactionSettings({}, other)).secret, first.secret);
    await Deno.remove(other, { recursive: true });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("LOUPE_REDACTION_SECRET wins, and no file is written for it", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-redaction-secret-" });
  try {
    const settings = await loadRedactionSettings({ LOUPE_REDACTION_SECRET: "given" }, dataDir);
    assert.equal(settings.secret, "given");
    await assert.rejects(Deno.stat(`${dataDir}/${SECRET_FILE}`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("LOUPE_REDACTION_RULES names a rules file; a bad one is refused with why", async () => {
  const dir = await Deno.makeTempDir({ prefix: "loupe-redaction-rules-" });
  try {
    const env = (file: string) => ({ LOUPE_REDACTION_RULES: file, LOUPE_REDACTION_SECRET: "k" });
    await Deno.writeTextFile(
      `${dir}/good.json`,
      JSON.stringify({
        disabled: ["ipv4"],
        allow: ["help@vendor.example"],
        customers: { acme: { patterns: [{ type: "member_id", pattern: "M-\\d{6}" }] } },
      }),
    );
    const settings = await loadRedactionSettings(env(`${dir}/good.json`), dir);
    assert.deepEqual(settings.rules.disabled, ["ipv4"]);

    await Deno.writeTextFile(`${dir}/unknown.json`, JSON.stringify({ disabled: ["fax"] }));
    await assert.rejects(
      loadRedactionSettings(env(`${dir}/unknown.json`), dir),
      /unknown type "fax"/,
    );
    await Deno.writeTextFile(`${dir}/typo.json`, JSON.stringify({ disable: ["ipv4"] }));
    await assert.rejects(loadRedactionSettings(env(`${dir}/typo.json`), dir), /typo\.json/);
    await Deno.writeTextFile(
      `${dir}/regex.json`,
      JSON.stringify({ patterns: [{ type: "x", pattern: "(" }] }),
    );
    await assert.rejects(
      loadRedactionSettings(env(`${dir}/regex.json`), dir),
      /patterns\[0\]\.pattern/,
    );
    await assert.rejects(
      loadRedactionSettings(env(`${dir}/missing.json`), dir),
      /Cannot read the redaction rules file/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
