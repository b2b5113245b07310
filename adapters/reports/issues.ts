/**
 * What issues and priorities look like as JSON: the HTTP replies and the
 * report files `replay --report` writes.
 *
 * @module
 */
import { severityTextOf } from "../../domain/severity.ts";
import type { Priority } from "../../domain/priorities/mod.ts";
import type { AsOf } from "../../domain/issues/as_of.ts";
import type { IssueDetail, IssueView } from "../../ports/issues.ts";
import { isoTime as iso } from "../iso_time.ts";
import { finiteOrNull as finite } from "./_numbers.ts";

/** Customers listed inline per issue; the count covers all of them. */
export const CUSTOMERS_SHOWN = 50;

/** "As of" as answered, and the records left out of the latest trustworthy time. */
export function asOfJson(info: AsOf, asked: number | undefined) {
  return {
    as_of: iso(asked ?? info.asOf),
    as_of_source: asked === undefined ? "latest trustworthy record" : "as_of parameter",
    as_of_outliers: {
      records: info.outliers,
      latest: info.latestOutlier === null ? null : iso(info.latestOutlier),
    },
  };
}

export function prioritiesJson(asOf: number, items: readonly Priority[]) {
  return {
    as_of: iso(asOf),
    items: items.map((p) => ({
      rank: p.rank,
      score: p.score,
      issue_id: p.issueId ?? null,
      signatures: p.signatures ?? 1,
      signature_id: p.signatureId,
      template: p.template,
      severity: severityTextOf(p.severityNumber),
      impact: p.impact,
      customers: p.customers,
      trend: p.trend,
      support_cost: {
        tickets: p.cost.tickets,
        open_tickets: p.cost.openTickets,
        handling_hours: Math.round(p.cost.handlingHours * 10) / 10,
        escalations: p.cost.escalations,
      },
      factors: p.factors,
      reasons: p.reasons,
    })),
  };
}

export function issueJson(issue: IssueView) {
  return issueJsonCounting(issue, issue.affected.length);
}

/** `affectedCount`: every customer hit, when `issue.affected` was narrowed to one. */
export function issueJsonCounting(issue: IssueView, affectedCount: number) {
  return {
    id: issue.issueId,
    signature_id: issue.signatureId,
    template: issue.template,
    severity: severityTextOf(issue.severityNumber),
    kind: issue.detection?.kind ?? null,
    reason: issue.detection?.reason ?? null,
    status: issue.status,
    detected_at: issue.detection === null ? null : iso(issue.detection.detectedAt),
    first_seen: iso(issue.firstSeen),
    last_seen: iso(issue.lastSeen),
    count: issue.count,
    upgrade_noise: issue.upgradeNoise,
    upgrade_note: issue.upgradeNote,
    merge_reasons: issue.mergeReasons,
    signatures: issue.signatures.map((s) => ({
      id: s.signatureId,
      template: s.template,
      severity: severityTextOf(s.severityNumber),
      count: s.count,
    })),
    impact: finite(issue.impact),
    customers_affected: affectedCount,
    customers: issue.affected.slice(0, CUSTOMERS_SHOWN).map((a) => ({
      customer: a.customer,
      name: a.name,
      tier: a.tier,
      count: a.count,
      first_seen: iso(a.firstSeen),
      last_seen: iso(a.lastSeen),
    })),
    tickets: issue.tickets.map((t) => ({ id: t.ticketId, subject: t.subject, status: t.status })),
  };
}

export function issueDetailJson(issue: IssueDetail) {
  return {
    ...issueJson(issue),
    as_of: iso(issue.asOf),
    facets: issue.facets.map((f) => {
      const total = f.values.reduce((sum, v) => sum + v.count, 0) + f.other;
      return {
        position: f.position,
        template: f.template,
        values: f.values.map((v) => ({
          value: v.value,
          count: v.count,
          share: total === 0 ? 0 : Math.round(v.count / total * 1000) / 1000,
        })),
        other: f.other,
      };
    }),
    trend: {
      class: issue.trend.class,
      reason: issue.trend.reason,
      ratio: finite(issue.trend.ratio),
      p_value: finite(issue.trend.pValue),
    },
    versions: {
      affected: issue.versions.affected,
      introduced_in: issue.versions.introducedIn,
      fixed_in: issue.versions.fixedIn,
      reason: issue.versions.reason,
    },
  };
}
