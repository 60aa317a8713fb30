/**
 * One ECharts chart as a React component. ECharts itself loads on first use (its own chunk); the
 * element is labelled for assistive technology and says when it has been drawn
 * (`data-drawn="true"`, and `onDrawn`), which the tests and the draw-time budget rely on.
 */
import { useEffect, useRef, useState } from 'react';
import type { EChartsCoreOption, ECharts, ECElementEvent } from 'echarts/core';
import { useTheme } from '../hooks/use-theme';

export type ChartOption = EChartsCoreOption;
export type ChartClick = Pick<ECElementEvent, 'componentType' | 'seriesType' | 'seriesName' | 'name' | 'dataIndex' | 'data' | 'value'>;
/** A click anywhere over a category's band of the grid (not only on its bar, which may be tiny). */
export interface CategoryClick {
  readonly index: number;
  readonly name: string;
}

type EChartsModule = typeof import('./echarts-setup');
let loading: Promise<EChartsModule> | null = null;
let loadingExtras: Promise<unknown> | null = null;
let extrasLoaded = false;
/** Starts loading ECharts; pages call it early so the chunk downloads while data is fetched. */
export const preloadCharts = (): Promise<EChartsModule> => (loading ??= import('./echarts-setup'));
/**
 * The rarer chart types and components, registered on the same core. An instance takes its list
 * of layout and visual steps when it is created, so one created before these were registered
 * cannot draw them: such a chart is created anew.
 */
const loadExtras = (): Promise<unknown> =>
  (loadingExtras ??= preloadCharts()
    .then(() => import('./echarts-extras'))
    .then(() => {
      extrasLoaded = true;
    }));

const BASE_SERIES = new Set(['line', 'bar']);

/** Whether an option uses anything beyond line and bar charts on a grid. */
export function needsExtras(option: ChartOption): boolean {
  const o = option as { series?: unknown; visualMap?: unknown; dataZoom?: unknown };
  const series = Array.isArray(o.series) ? o.series : o.series ? [o.series] : [];
  return !!o.visualMap || !!o.dataZoom || series.some((s) => !BASE_SERIES.has(String((s as { type?: unknown }).type)));
}

export interface ChartProps {
  readonly option: ChartOption;
  /** What the chart shows, read out by screen readers (the canvas itself is opaque to them). */
  readonly label: string;
  readonly height?: number | string;
  readonly onClick?: (event: ChartClick) => void;
  readonly onCategoryClick?: (event: CategoryClick) => void;
  readonly onDrawn?: () => void;
  readonly testId?: string;
}

/**
 * A short digest of the first series' numbers ("count:sum"), exposed as `data-series` so the
 * end-to-end tests can check that a chart shows the API's figures without reading pixels.
 */
export function seriesDigest(option: ChartOption): string {
  const series = (option as { series?: unknown }).series;
  const first = Array.isArray(series) ? (series[0] as { data?: unknown } | undefined) : undefined;
  if (!first || !Array.isArray(first.data)) return '';
  let sum = 0;
  let count = 0;
  for (const item of first.data as unknown[]) {
    const v = typeof item === 'number' ? item : item && typeof item === 'object' && 'value' in item ? (item as { value: unknown }).value : null;
    const n = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof n === 'number' && Number.isFinite(n)) sum += n;
    count += 1;
  }
  return `${count}:${Math.round(sum * 100) / 100}`;
}

/** The category under a pixel of the first grid, whichever axis (x or y) holds the categories. */
function categoryAt(chart: ECharts, point: [number, number]): CategoryClick | null {
  if (!chart.containPixel('grid', point)) return null;
  const option = chart.getOption() as { xAxis?: { type?: string; data?: unknown[] }[]; yAxis?: { type?: string; data?: unknown[] }[] };
  const onX = option.xAxis?.[0]?.type === 'category';
  const axis = onX ? option.xAxis?.[0] : option.yAxis?.[0];
  if (axis?.type !== 'category' || !axis.data) return null;
  const value = chart.convertFromPixel('grid', point) as unknown;
  if (!Array.isArray(value)) return null;
  const index = Math.round(Number(value[onX ? 0 : 1]));
  const item = axis.data[index];
  if (item === undefined) return null;
  return { index, name: typeof item === 'object' && item !== null && 'value' in item ? String((item as { value: unknown }).value) : String(item) };
}

const reducedMotion = (): boolean => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

export function Chart({ option, label, height = 300, onClick, onCategoryClick, onDrawn, testId }: ChartProps): React.JSX.Element {
  const element = useRef<HTMLDivElement>(null);
  const instance = useRef<ECharts | null>(null);
  const [drawn, setDrawn] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const theme = useTheme();
  const handlers = useRef({ onClick, onCategoryClick, onDrawn });
  handlers.current = { onClick, onCategoryClick, onDrawn };
  const [ready, setReady] = useState(0);
  // Bumped to recreate the instance once the extras are in (see loadExtras).
  const [generation, setGeneration] = useState(0);
  const createdWithExtras = useRef(false);
  const optionRef = useRef(option);
  optionRef.current = option;
  // True between setOption and its 'finished' event: an empty chart also reports 'finished'.
  const awaitingDraw = useRef(false);

  // (Re)create the instance when the theme changes: ECharts themes apply at init.
  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | null = null;
    const loaded = needsExtras(optionRef.current) ? loadExtras().then(preloadCharts) : preloadCharts();
    loaded.then(
      ({ echarts }) => {
        if (disposed || !element.current) return;
        const chart = echarts.init(element.current, `strata-${theme}`, { renderer: 'canvas' });
        createdWithExtras.current = extrasLoaded;
        instance.current = chart;
        chart.on('click', (event) => handlers.current.onClick?.(event as ECElementEvent));
        chart.getZr().on('click', (event) => {
          const handler = handlers.current.onCategoryClick;
          if (!handler) return;
          const hit = categoryAt(chart, [event.offsetX, event.offsetY]);
          if (hit) handler(hit);
        });
        chart.on('finished', () => {
          if (!awaitingDraw.current) return;
          awaitingDraw.current = false;
          setDrawn(true);
          handlers.current.onDrawn?.();
        });
        observer = new ResizeObserver(() => chart.resize());
        observer.observe(element.current);
        setReady((n) => n + 1);
      },
      (error: unknown) => setFailed(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      disposed = true;
      observer?.disconnect();
      instance.current?.dispose();
      instance.current = null;
    };
  }, [theme, generation]);

  useEffect(() => {
    const chart = instance.current;
    if (!chart) return undefined;
    let live = true;
    const apply = (): void => {
      if (!live || instance.current !== chart) return;
      setDrawn(false);
      awaitingDraw.current = true;
      chart.setOption(
        {
          aria: { enabled: true, label: { description: label } },
          // No entry animation: a chart is readable the moment its data arrives.
          animation: !reducedMotion(),
          animationDuration: 0,
          animationDurationUpdate: 250,
          ...option,
        },
        { notMerge: true },
      );
    };
    if (needsExtras(option) && !createdWithExtras.current) {
      loadExtras().then(
        () => live && setGeneration((g) => g + 1),
        (error: unknown) => live && setFailed(error instanceof Error ? error.message : String(error)),
      );
    } else apply();
    return () => {
      live = false;
    };
  }, [option, label, ready]);

  return (
    <div className="chart-frame" style={{ height }}>
      {failed ? (
        <p className="state state-error" role="alert">
          The chart library did not load: {failed}
        </p>
      ) : null}
      <div ref={element} className="chart" role="img" aria-label={label} data-testid={testId} data-drawn={drawn ? 'true' : 'false'} data-series={seriesDigest(option)} style={{ height: '100%' }} />
    </div>
  );
}
