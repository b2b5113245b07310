import assert from "node:assert/strict";
import { ticketingContract } from "../../test/contracts/ticketing_contract.ts";
import { FakeJira } from "../../test/ticketing/fake_jira.ts";
import { JiraAdapter } from "./jira.ts";

function setup() {
  const fake = new FakeJira();
  const adapter = new JiraAdapter({
    url: fake.url,
    email: "engineer@example.test",
    apiToken: "jira-token",
    project: "LOUPE",
  });
  return { fake, adapter };
}

const createAction = {
  kind: "create_issue" as const,
  marker: "issue-i1",
  summary: "NullPointerException in checkout",
  description: "Hits 3 customers",
  labels: ["loupe_issue_i1"],
  link: {
    globalId: "loupe-issue-i1",
    url: "http://loupe.test/v1/issues/i1",
    title: "Loupe issue i1",
  },
};

ticketingContract("jira", {
  async open() {
    const { fake, adapter } = setup();
    const { remoteId } = await adapter.deliver(createAction);
    return {
      system: adapter,
      target: remoteId!,
      notes: (target: string, text: string) =>
        Promise.resolve(
          fake.issues.get(target)!.comments.filter((c) => c.body.includes(text)).length,
        ),
      chaos: fake.chaos,
      close: () => fake.close(),
    };
  },
});

Deno.test("jira: creating twice (a retry after a crash) is one issue with one remote link", async () => {
  const { fake, adapter } = setup();
  try {
    const first = await adapter.deliver(createAction);
    const second = await adapter.deliver(createAction);
    assert.equal(first.remoteId, second.remoteId);
    assert.equal(second.alreadyDone, true);
    assert.equal(fake.issues.size, 1);
    assert.equal(fake.issues.get(first.remoteId!)!.remoteLinks.size, 1);
  } finally {
    await fake.close();
  }
});

Deno.test("jira: a transition goes through the workflow, and does nothing when already there", async () => {
  const { fake, adapter } = setup();
  try {
    const { remoteId } = await adapter.deliver(createAction);
    const key = remoteId!;
    fake.move(key, "Done", ["2.4.1"]);
    const reopen = {
      kind: "transition" as const,
      target: key,
      marker: "r1",
      toCategory: "indeterminate" as const,
      statusName: "Reopened",
    };
    assert.equal((await adapter.deliver(reopen)).alreadyDone, false);
    assert.equal(fake.issues.get(key)!.fields.status.name, "Reopened");
    assert.equal((await adapter.deliver(reopen)).alreadyDone, true);
  } finally {
    await fake.close();
  }
});
