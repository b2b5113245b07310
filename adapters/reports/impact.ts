/**
 * What a signature's and a customer's impact answers look like as JSON and
 * CSV: the HTTP replies and the report files `replay --report` writes.
 *
 * @module
 */
import { stringify } from "csv-stringify/sync";
import { severityTextOf } from "../../domain/severity.ts";
import type {
  AffectedCustomer,
  CustomerImpactReport,
  CustomerIssue,
  SignatureImpact,
} from "../../ports/impact.ts";
import type { TicketSummary } from "../../ports/tickets.ts";
import { isoTimeOrNull as iso } from "../iso_time.ts";
import { customerJsonOf } from "./customers.ts";

function affectedJson(a: AffectedCustomer) {
  return {
    customer: a.customer,
    name: a.name,
    tier: a.tier,
    weight: a.weight,
    count: a.count,
    first_seen: iso(a.firstSeen),
    last_seen: iso(a.lastSeen),
    environments: a.environments.map((e) => ({
      environment: e.environment,
      first_seen: iso(e.firstSeen),
    })),
    versions: a.versions.map((v) => ({
      version: v.version === "" ? null : v.version,
      count: v.count,
      first_seen: iso(v.firstSeen),
    })),
  };
}

export function signatureImpactJson(view: SignatureImpact) {
  const { signature, impact, propagation } = view;
  return {
    signature: {
      id: signature.signatureId,
      template: signature.template,
      severity: severityTextOf(signature.severityNumber),
      count: signature.count,
      first_seen: iso(signature.firstSeen),
      last_seen: iso(signature.lastSeen),
    },
    as_of: iso(view.asOf),
    customers_affected: view.affected.length,
    unattributed_records: view.unattributed,
    impact: {
      score: impact.score,
      reasons: impact.reasons,
      factors: {
        customers: impact.factors.customers,
        breadth: impact.factors.breadth,
        weight: impact.factors.weight,
        tiers: impact.factors.tiers,
        severity: impact.factors.severity,
        duration_days: impact.factors.durationDays,
        weighted_days: impact.factors.weightedDays,
      },
    },
    propagation: {
      first_seen: iso(propagation.firstSeen),
      spreading: propagation.spreading,
      reason: propagation.reason,
      new_customers_by_day: propagation.newCustomersByDay,
      order: propagation.order.map((o) => ({
        customer: o.customer,
        first_seen: iso(o.firstSeen),
        environment: o.environment,
        version: o.version,
      })),
      environments: propagation.environments.map((e) => ({
        environment: e.environment,
        customers: e.customers,
        first_seen: iso(e.firstSeen),
      })),
      versions: propagation.versions.map((v) => ({
        version: v.version,
        customers: v.customers,
        count: v.count,
        first_seen: iso(v.firstSeen),
      })),
    },
    affected: view.affected.map(affectedJson),
  };
}

function ticketRefJson(t: TicketSummary) {
  return {
    id: t.ticketId,
    subject: t.subject,
    status: t.status,
    severity: t.severity,
    opened_at: iso(t.openedAt),
    external_ref: t.externalRef,
  };
}

function customerIssueJson(issue: CustomerIssue) {
  return {
    issue_id: issue.issueId,
    signature_id: issue.signatureId,
    signature_ids: issue.signatureIds,
    template: issue.template,
    severity: severityTextOf(issue.severityNumber),
    count: issue.count,
    last_24h: issue.last24h,
    last_7d: issue.last7d,
    first_seen: iso(issue.firstSeen),
    last_seen: iso(issue.lastSeen),
    environments: issue.environments,
    versions: issue.versions,
    trend: {
      class: issue.trend.class,
      reason: issue.trend.reason,
      ratio: Number.isFinite(issue.trend.ratio) ? issue.trend.ratio : null,
      p_value: Number.isFinite(issue.trend.pValue) ? issue.trend.pValue : null,
    },
    other_customers: issue.otherCustomers,
    impact: issue.impact,
    tickets: issue.tickets.map(ticketRefJson),
  };
}

export function customerImpactJson(report: CustomerImpactReport) {
  return {
    customer: { ...customerJsonOf(report.customer), weight_used: report.customer.weightUsed },
    as_of: iso(report.asOf),
    environments: report.environments.map((e) => ({
      environment: e.environment,
      version: e.version,
      last_seen: iso(e.lastSeen),
    })),
    open_tickets: report.openTickets.map(ticketRefJson),
    issues: report.issues.map(customerIssueJson),
  };
}

export function customerImpactCsv(report: CustomerImpactReport): string {
  return stringify(
    report.issues.map((issue) => [
      issue.issueId,
      report.customer.customerId,
      issue.signatureId,
      severityTextOf(issue.severityNumber),
      issue.template.split("\n")[0],
      issue.count,
      issue.last24h,
      issue.last7d,
      iso(issue.firstSeen),
      iso(issue.lastSeen),
      issue.trend.class,
      issue.trend.reason,
      issue.environments.join(";"),
      issue.versions.join(";"),
      issue.otherCustomers,
      issue.impact,
      issue.tickets.map((t) => t.ticketId).join(";"),
      issue.signatureIds.join(";"),
    ]),
    {
      header: true,
      columns: [
        "issue_id",
        "customer",
        "signature_id",
        "severity",
        "template",
        "count",
        "last_24h",
        "last_7d",
        "first_seen",
        "last_seen",
        "trend",
        "trend_reason",
        "environments",
        "versions",
        "other_customers",
        "impact",
        "tickets",
        "signature_ids",
      ],
    },
  );
}
