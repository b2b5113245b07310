import { PRIVATE_KEY_BEGIN, PRIVATE_KEY_END as END } from "./detectors.ts";
import type { TextRedactor } from "./redactor.ts";

const BEGIN = new RegExp(PRIVATE_KEY_BEGIN.source, "g");

/**
 * A private key logged across several records: a text format without a
 * header on the key's lines makes each line a record of its own, so the
 * BEGIN line, the base64 lines and the END line arrive apart. Follows one
 * source's records in order and replaces the lines between BEGIN and END.
 *
 * @example
 * ```ts
 * import { Redactor } from "./redactor.ts";
 * import { PrivateKeyFollower } from "./private_key.ts";
 * import assert from "node:assert/strict";
 * const redactor = new Redactor({}, () => "0a0b0c").forCustomer(null);
 * const follower = new PrivateKeyFollower();
 * const lines = ["key: -----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBg", "-----END PRIVATE KEY----- ok"];
 * assert.deepEqual(lines.map((line) => follower.redact(line, redactor)), [
 *   "key: <private_key:0a0b0c>",
 *   "<private_key:0a0b0c>",
 *   "<private_key:0a0b0c> ok",
 * ]);
 * ```
 */
export class PrivateKeyFollower {
  #open = false;

  /** `text` redacted, and with what continues a key begun before replaced. */
  redact(text: string, redactor: TextRedactor): string {
    let rest = text;
    let head = "";
    if (this.#open) {
      const end = END.exec(text);
      if (end === null) return redactor.whole("private_key", text);
      const cut = end.index + end[0].length;
      head = redactor.whole("private_key", text.slice(0, cut));
      rest = text.slice(cut);
      this.#open = false;
    }
    const redacted = redactor.text(rest);
    // Only a text in which a key was replaced can leave one open; most texts
    // are left alone and are not searched twice.
    this.#open = redacted !== rest && leavesKeyOpen(rest);
    return head + redacted;
  }
}

/** Whether the text's last private key BEGIN has no END after it. */
function leavesKeyOpen(text: string): boolean {
  if (text.indexOf("-----BEGIN") < 0) return false;
  let last = -1;
  BEGIN.lastIndex = 0;
  for (let match = BEGIN.exec(text); match !== null; match = BEGIN.exec(text)) {
    last = match.index + match[0].length;
  }
  return last >= 0 && !END.test(text.slice(last));
}
