/** Why a rule set or a metrics snapshot was refused. */
export class RuleViolation extends Error {
  constructor(message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = "RuleViolation";
  }
}
