/**
 * The dashboard's charts with ECharts, importing only the modules used (funnel, bar, line; grid,
 * tooltip, legend; canvas renderer) so the bundle stays small.
 */
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { CaseStats, MedianRow } from '../../api/cases';
import { t } from '../../i18n';

echarts.use([FunnelChart, BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export type Chart = echarts.ECharts;
const FONT = "'Noto Sans CJK SC', system-ui, sans-serif";
const INK = '#2b2d33';
const MUTED = '#6b6f78';
export const SERIES_COLORS = ['#4b5bab', '#e07b39', '#1a9850', '#8f84b8'];

export function makeChart(el: HTMLElement): Chart {
  return echarts.init(el, undefined, { renderer: 'canvas' });
}

/** PNG of a chart on white, twice the screen resolution. */
export function chartPng(chart: Chart): string {
  return chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#ffffff' });
}

const base = {
  animation: false,
  textStyle: { fontFamily: FONT, color: INK, fontSize: 11 },
  tooltip: { textStyle: { fontFamily: FONT, fontSize: 12 } },
};

export function funnelOption(f: CaseStats['funnel']): echarts.EChartsCoreOption {
  const stages: Array<[string, number]> = [
    [t('cases.funnel.reported'), f.reported],
    [t('cases.funnel.whistled'), f.whistled],
    [t('cases.funnel.accepted'), f.accepted],
    [t('cases.funnel.solved'), f.solved],
  ];
  const prev = new Map(stages.map((_stage, i) => [i, i === 0 ? null : stages[i - 1][1]]));
  return {
    ...base,
    tooltip: { ...base.tooltip, trigger: 'item', formatter: '{b}: {c}' },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        left: 8,
        top: 6,
        bottom: 6,
        width: '44%',
        funnelAlign: 'left',
        minSize: '14%',
        gap: 2,
        label: {
          position: 'right',
          color: INK,
          fontSize: 12,
          formatter: (p: { name: string; value: number; dataIndex: number }) => {
            const before = prev.get(p.dataIndex);
            const rate = before ? `  {m|${((p.value / before) * 100).toFixed(1)}%}` : '';
            return `${p.name}  {b|${p.value.toLocaleString('zh-CN')}}${rate}`;
          },
          rich: { b: { fontWeight: 'bold', fontSize: 13, color: INK }, m: { color: MUTED, fontSize: 11 } },
        },
        labelLine: { length: 16, lineStyle: { color: '#c9c6bf' } },
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
        color: ['#9aa3d6', '#6f7cc2', '#4b5bab', '#1a9850'],
        data: stages.map(([name, value]) => ({ name, value })),
      },
    ],
  };
}

/** Horizontal bars: median hours per row, n in the tooltip; longest at the top. */
export function medianOption(rows: MedianRow[], label: (key: string) => string): echarts.EChartsCoreOption {
  const sorted = [...rows].sort((a, b) => a.medianHours - b.medianHours);
  return {
    ...base,
    grid: { left: 84, right: 44, top: 4, bottom: 20 },
    tooltip: {
      ...base.tooltip,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (ps: Array<{ dataIndex: number }>) => {
        const r = sorted[ps[0].dataIndex];
        return `${label(r.key)}<br/>${r.medianHours.toFixed(1)} ${t('cases.hours')} · ${t('cases.count')} ${r.n}`;
      },
    },
    xAxis: { type: 'value', axisLabel: { color: MUTED, fontSize: 10 }, splitLine: { lineStyle: { color: '#eeece7' } } },
    yAxis: {
      type: 'category',
      data: sorted.map((r) => label(r.key)),
      axisLabel: { color: INK, fontSize: 11 },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: '#d6d3cc' } },
    },
    series: [
      {
        type: 'bar',
        data: sorted.map((r) => r.medianHours),
        barMaxWidth: 14,
        itemStyle: { color: SERIES_COLORS[0], borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: 'right', color: MUTED, fontSize: 10, formatter: (p: { value: number }) => p.value.toFixed(0) },
      },
    ],
  };
}

export function trendOption(trend: CaseStats['trend']): echarts.EChartsCoreOption {
  const series: Array<[string, keyof (typeof trend)[number]]> = [
    [t('cases.funnel.reported'), 'reported'],
    [t('cases.funnel.whistled'), 'whistled'],
    [t('cases.funnel.solved'), 'solved'],
  ];
  return {
    ...base,
    grid: { left: 34, right: 10, top: 28, bottom: 22 },
    legend: { top: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontFamily: FONT, fontSize: 11, color: INK } },
    tooltip: { ...base.tooltip, trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: trend.map((r) => r.month),
      axisLabel: { color: MUTED, fontSize: 10, formatter: (v: string) => (v.endsWith('-01') ? v.slice(0, 4) : v.slice(5)) },
      axisLine: { lineStyle: { color: '#d6d3cc' } },
    },
    yAxis: { type: 'value', axisLabel: { color: MUTED, fontSize: 10 }, splitLine: { lineStyle: { color: '#eeece7' } } },
    series: series.map(([name, key], i) => ({
      type: 'line',
      name,
      data: trend.map((r) => r[key]),
      symbol: 'none',
      smooth: false,
      lineStyle: { width: 2 },
      color: SERIES_COLORS[i],
    })),
  };
}
