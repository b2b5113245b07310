/**
 * Server-rendered SVG charts: a sparkline, a line chart with threshold lines
 * and highlighted breach points, and a bar chart. No script, no library:
 * each carries its meaning in text too (a title, labels, a caption list), so
 * colour is never the only signal.
 */
import { linearScale, shortNumber, ticks, valueRange } from "./chart_scale.ts";

export function Sparkline(
  props: { values: readonly number[]; label: string; width?: number; height?: number },
) {
  const width = props.width ?? 120;
  const height = props.height ?? 28;
  const values = props.values.length === 0 ? [0] : props.values;
  const [, max] = valueRange(values);
  const x = linearScale(0, Math.max(1, values.length - 1), 1, width - 1);
  const y = linearScale(0, max, height - 2, 2);
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  return (
    <svg
      class="sparkline"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={props.label}
    >
      <title>{props.label}</title>
      <polyline points={points} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

export interface ChartPoint {
  readonly x: number;
  readonly y: number;
  /** A breach at this point: drawn larger, in the severity's colour, with its text. */
  readonly breach?: { readonly severity: string; readonly text: string };
}

export interface ChartSeries {
  readonly name: string;
  readonly points: readonly ChartPoint[];
}

export interface Threshold {
  readonly value: number;
  readonly label: string;
  readonly severity: string;
}

export interface Marker {
  readonly x: number;
  readonly label: string;
}

const PALETTE = ["#2563eb", "#d97706", "#059669", "#7c3aed", "#db2777", "#0891b2"];

export function LineChart(props: {
  title: string;
  series: readonly ChartSeries[];
  thresholds?: readonly Threshold[];
  markers?: readonly Marker[];
  xLabel: (x: number) => string;
  xDomain?: readonly [number, number];
  width?: number;
  height?: number;
}) {
  const width = props.width ?? 560;
  const height = props.height ?? 200;
  const box = { left: 44, top: 10, right: width - 10, bottom: height - 24 };
  const xs = props.series.flatMap((s) => s.points.map((p) => p.x));
  const [xMin, xMax] = props.xDomain ??
    [Math.min(...xs, Infinity), Math.max(...xs, -Infinity)] as const;
  const x = linearScale(
    Number.isFinite(xMin) ? xMin : 0,
    Number.isFinite(xMax) ? xMax : 1,
    box.left,
    box.right,
  );
  const [yMin, yMax] = valueRange([
    ...props.series.flatMap((s) => s.points.map((p) => p.y)),
    ...(props.thresholds ?? []).map((t) => t.value),
  ]);
  const y = linearScale(yMin, yMax, box.bottom, box.top);
  const xTicks = Number.isFinite(xMin) && xMax > xMin
    ? [0, 0.5, 1].map((f) => xMin + (xMax - xMin) * f)
    : [];
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={props.title}
      preserveAspectRatio="xMidYMid meet"
    >
      <title>{props.title}</title>
      {ticks(yMin, yMax).map((t) => (
        <g class="grid">
          <line x1={box.left} x2={box.right} y1={y(t)} y2={y(t)} />
          <text x={box.left - 4} y={y(t) + 4} text-anchor="end">{shortNumber(t)}</text>
        </g>
      ))}
      {xTicks.map((t, i) => (
        <text
          class="axis"
          x={x(t)}
          y={height - 6}
          text-anchor={i === 0 ? "start" : i === xTicks.length - 1 ? "end" : "middle"}
        >
          {props.xLabel(t)}
        </text>
      ))}
      {(props.markers ?? []).map((m) => (
        <g class="marker">
          <line x1={x(m.x)} x2={x(m.x)} y1={box.top} y2={box.bottom} />
          <text x={x(m.x) + 3} y={box.top + 10}>{m.label}</text>
        </g>
      ))}
      {(props.thresholds ?? []).map((t) => (
        <g class={`threshold sev-${t.severity.toLowerCase()}`}>
          <line x1={box.left} x2={box.right} y1={y(t.value)} y2={y(t.value)} />
          <text x={box.right - 2} y={y(t.value) - 3} text-anchor="end">{t.label}</text>
        </g>
      ))}
      {props.series.map((s, i) => (
        <polyline
          class="series"
          fill="none"
          stroke={PALETTE[i % PALETTE.length]}
          stroke-width="1.6"
          points={s.points.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(" ")}
        >
          <title>{s.name}</title>
        </polyline>
      ))}
      {props.series.flatMap((s) =>
        s.points.filter((p) => p.breach !== undefined).map((p) => (
          <circle
            class={`breach-point sev-${p.breach!.severity.toLowerCase()}`}
            cx={x(p.x).toFixed(1)}
            cy={y(p.y).toFixed(1)}
            r="4.5"
          >
            <title>{p.breach!.text}</title>
          </circle>
        ))
      )}
    </svg>
  );
}

export function Legend(props: { names: readonly string[] }) {
  if (props.names.length < 2) return null;
  return (
    <ul class="legend">
      {props.names.map((name, i) => (
        <li>
          <span class="swatch" style={`background:${PALETTE[i % PALETTE.length]}`} />
          {name}
        </li>
      ))}
    </ul>
  );
}

export function BarChart(
  props: { title: string; bars: readonly { label: string; value: number }[]; width?: number },
) {
  const width = props.width ?? 560;
  const row = 20;
  const height = props.bars.length * row + 4;
  const labelWidth = 150;
  const max = Math.max(1, ...props.bars.map((b) => b.value));
  const x = linearScale(0, max, 0, width - labelWidth - 60);
  return (
    <svg class="chart bars" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.title}>
      <title>{props.title}</title>
      {props.bars.map((b, i) => (
        <g>
          <text x={labelWidth - 6} y={i * row + 14} text-anchor="end">{b.label}</text>
          <rect x={labelWidth} y={i * row + 3} width={Math.max(1, x(b.value))} height={row - 6} />
          <text x={labelWidth + Math.max(1, x(b.value)) + 4} y={i * row + 14}>
            {shortNumber(b.value)}
          </text>
        </g>
      ))}
    </svg>
  );
}
