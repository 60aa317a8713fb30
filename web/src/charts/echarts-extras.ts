/**
 * The ECharts parts only some views use: pie, heatmap, scatter, treemap and graph series, the
 * data zoom slider and the visual map. Kept out of the Overview's path (about 60 KB gzipped).
 */
import { GraphChart, HeatmapChart, PieChart, ScatterChart, TreemapChart } from 'echarts/charts';
import { DataZoomComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { LabelLayout } from 'echarts/features';

echarts.use([GraphChart, HeatmapChart, PieChart, ScatterChart, TreemapChart, DataZoomComponent, VisualMapComponent, LabelLayout]);

