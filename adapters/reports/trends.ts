/**
 * What trend verdicts look like as JSON: the HTTP replies and the report
 * files `replay --report` writes.
 *
 * @module
 */
import { severityTextOf } from "../../domain/severity.ts";
import type { IssueTrend, SignatureTrend } from "../../ports/trends.ts";
import { isoTime as iso } from "../iso_time.ts";
import { finiteOrNull as finite } from "./_numbers.ts";

export function trendJson(view: SignatureTrend) {
  return {
    signature_id: view.signatureId,
    issue_id: view.issueId ?? null,
    ...verdictJson(view),
  };
}

/** One issue's trend, as `/v1/trends` lists it. */
export function issueTrendJson(view: IssueTrend) {
  return {
    issue_id: view.issueId,
    signature_id: view.signatureId,
    signature_ids: view.signatureIds,
    ...verdictJson(view),
  };
}

function verdictJson(view: SignatureTrend | IssueTrend) {
  return {
    template: view.template,
    severity: severityTextOf(view.severityNumber),
    as_of: iso(view.asOf),
    class: view.trend.class,
    reason: view.trend.reason,
    ratio: finite(view.trend.ratio),
    p_value: finite(view.trend.pValue),
    recent_rate: finite(view.trend.recentRate),
    baseline_rate: finite(view.trend.baselineRate),
    versions: {
      introduced_in: view.versions.introducedIn,
      fixed_in: view.versions.fixedIn,
      affected: view.versions.affected,
      reason: view.versions.reason,
      rates: view.versions.rates.map((r) => ({
        version: r.version,
        count: r.count,
        traffic: r.traffic,
        per_million: r.perMillion,
      })),
    },
  };
}
