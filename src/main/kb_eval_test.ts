import assert from "node:assert/strict";
import fc from "fast-check";
import { evaluate, formatReport, rankQueries } from "./kb_eval.ts";

const root = new URL("../../", import.meta.url).pathname;

Deno.test("kb-eval: an article never suggests itself for its own text", () => {
  const word = fc.constantFrom(
    "cache",
    "login",
    "crash",
    "printer",
    "font",
    "proxy",
    "tab",
    "mail",
  );
  const text = fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => w.join(" "));
  fc.assert(
    fc.property(
      fc.uniqueArray(
        fc.record({ id: fc.stringMatching(/^[a-z]{1,4}$/), title: text, body: text }),
        {
          minLength: 1,
          maxLength: 12,
          selector: (a) => a.id,
        },
      ),
      (articles) => {
        const rankings = rankQueries(
          articles,
          articles.map((a) => ({ id: a.id, text: `${a.title}\n${a.body}`, relevant: [] })),
        );
        for (const ranked of [rankings.loupe, rankings.bm25]) {
          for (const [queryId, ids] of ranked) assert.ok(!ids.includes(queryId));
        }
      },
    ),
  );
});

Deno.test("kb-eval: finds the duplicate and scores both rankings", () => {
  const report = evaluate(
    [
      { id: "1", title: "Printing crashes the browser", body: "Print preview then crash" },
      { id: "2", title: "Mail folder is empty after upgrade", body: "IMAP folder shows nothing" },
      { id: "3", title: "Fonts look blurry", body: "Text rendering on HiDPI" },
    ],
    [{ id: "q", text: "browser crashed when printing a page", relevant: ["1"] }],
  );
  assert.equal(report.loupe.mrrAt10, 1);
  assert.equal(report.loupe.recallAt1, 1);
  // Plain BM25 has no stemming: "crashed"/"printing" do not meet "crashes"/"print".
  assert.match(formatReport(report), /MRR@10/);
});

Deno.test("kb-eval CLI: prints both rankings and writes --json; bad input is a clear error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/a.jsonl`,
      '{"id":"a","title":"Cache full","body":"disk cache is full"}\n{"id":"b","title":"Login fails","body":"password rejected"}\n',
    );
    await Deno.writeTextFile(
      `${dir}/q.jsonl`,
      '{"id":"q1","text":"cannot login, password rejected","relevant":["b"]}\n',
    );
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-read", "--allow-write", `${root}src/main/kb_eval.ts`, ...args],
        stdout: "piped",
        stderr: "piped",
      }).output();
    const ok = await run([
      "--articles",
      `${dir}/a.jsonl`,
      "--queries",
      `${dir}/q.jsonl`,
      "--json",
      `${dir}/out.json`,
    ]);
    const stdout = new TextDecoder().decode(ok.stdout);
    assert.equal(ok.code, 0, new TextDecoder().decode(ok.stderr));
    assert.match(stdout, /loupe\s+1\.000/);
    assert.match(stdout, /bm25\s+1\.000/);
    const json = JSON.parse(await Deno.readTextFile(`${dir}/out.json`));
    assert.equal(json.loupe.mrrAt10, 1);
    assert.equal(json.bm25.recallAt1, 1);

    await Deno.writeTextFile(`${dir}/bad.jsonl`, '{"id":"q1","text":"x"}\n');
    const bad = await run(["--articles", `${dir}/a.jsonl`, "--queries", `${dir}/bad.jsonl`]);
    assert.equal(bad.code, 1);
    assert.match(new TextDecoder().decode(bad.stderr), /bad\.jsonl line 1: relevant/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
