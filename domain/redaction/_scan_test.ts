import assert from "node:assert/strict";
import fc from "fast-check";
import { candidates } from "./_scan.ts";
import { DETECTORS } from "./detectors.ts";

// Characters every trigger and pattern turns on, and some that none does.
const alphabet = fc.constantFrom(
  ..."0123456789 -.:@=+_/'\"ABEIKSXYZabeghiknoprstvxyzé\t",
  "-----BEGIN PRIVATE KEY-----",
  "-----BEGIN PGP PRIVATE KEY BLOCK-----",
  "eyJ",
  "sk_live_",
  "ghp_",
  "AKIA",
  "xoxb-",
  "Bearer ",
  "Basic ",
  "dXNlcjpwYXNz",
  "AIza",
  "xoxs-",
  "%40",
  "pwd=",
  "passphrase: ",
  "<password>",
  "</password>",
  " => ",
  "Cookie: ",
  "secret_key",
  "password=",
  "token: ",
  "https://",
  "::",
  "DE89",
  "4111 1111 1111 1111",
  "Authorization: ",
  "Token ",
  "Digest ",
  'username="',
  ", ",
  "sk-",
  "sk-proj-",
  "glpat-",
  "npm_",
  "SG.",
  "AccountKey=",
  "xapp-",
  "https://hooks.slack.com/services/",
  "hooks.slack.com/triggers/",
);

/** The values `detector` would replace in `text`, its checks included. */
function accepted(detector: typeof DETECTORS[number], text: string): string[] {
  const found: string[] = [];
  const pattern = new RegExp(detector.pattern.source, detector.pattern.flags);
  for (const match of text.matchAll(pattern)) {
    let value = match[2]!;
    let index = match.index + match[1]!.length;
    if (detector.unquote && value.length >= 2 && (value[0] === '"' || value[0] === "'")) {
      value = value.slice(1, -1);
      index++;
    }
    if (detector.trim !== undefined) value = detector.trim(value);
    if (value === "") continue;
    if (detector.accept?.({ value, text, index, versionContext: false }) === false) continue;
    found.push(value);
  }
  return found;
}

Deno.test("property: a detector the scan rules out finds nothing to replace", () => {
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 60 }).map((parts) => parts.join("")), (text) => {
      const possible = candidates(text);
      for (const detector of DETECTORS) {
        if ((possible & detector.bit!) !== 0) continue;
        assert.deepEqual(
          accepted(detector, text),
          [],
          `${detector.type} in ${JSON.stringify(text)}`,
        );
      }
    }),
    { numRuns: 20_000 },
  );
});
