/**
 * The ECharts parts nearly every view uses (line and bar charts on a grid, tooltip, legend, aria),
 * registered on `echarts/core` so the bundle carries only these. Loaded lazily, in its own chunk,
 * by the first chart; the rarer parts are in echarts-extras.ts, loaded when an option needs them.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { THEMES } from './themes';

echarts.use([BarChart, LineChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

for (const [name, theme] of Object.entries(THEMES)) echarts.registerTheme(name, theme);

export { echarts };
