/*
 * assets/report.js: draws every canvas[data-chart] from the JSON in #pushbench-charts with the page's own
 * Chart.js. A browser script, not a module: it must run from file:// where module scripts are blocked.
 * Configurations are data; this file only adds what JSON cannot carry (tick formatting, theme colours).
 */
(() => {
  interface ChartGlobal {
    new (canvas: HTMLCanvasElement, config: unknown): unknown;
    defaults: { color: string; borderColor: string; font: { family: string } };
  }
  const ChartCtor = (window as unknown as { Chart?: ChartGlobal }).Chart;
  const dataElement = document.getElementById('pushbench-charts');
  if (!ChartCtor || !dataElement) return;

  const css = getComputedStyle(document.documentElement);
  ChartCtor.defaults.color = css.getPropertyValue('--fg').trim() || '#1d2330';
  ChartCtor.defaults.borderColor = css.getPropertyValue('--grid').trim() || 'rgba(0,0,0,0.1)';
  ChartCtor.defaults.font.family = getComputedStyle(document.body).fontFamily;

  /**
   * Log-axis labels with SI suffixes: every decade, and 2 and 5 within it when the axis spans few decades
   * (otherwise the labels would overlap), every tick when it spans less than one.
   */
  function logTick(value: number | string, _index: number, ticks: Array<{ value: number }>): string {
    const v = Number(value);
    if (!(v > 0)) return '';
    const values = ticks.map((t) => t.value).filter((x) => x > 0);
    const decades = Math.log10(Math.max(...values) / Math.min(...values));
    const decade = 10 ** Math.floor(Math.log10(v) + 1e-9);
    const mantissa = Math.round((v / decade) * 1e6) / 1e6;
    if (decades < 1) {
      // Within one decade label the whole mantissas (a 2-7 ms axis: 2, 3, ... 7), or every tick when there are few.
      if (values.length > 8 && !Number.isInteger(mantissa)) return '';
    } else if (mantissa !== 1 && (decades > 2.5 || (mantissa !== 2 && mantissa !== 5))) return '';
    const units: Array<[number, string]> = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
    for (const [size, suffix] of units) if (v >= size) return `${Number((v / size).toPrecision(3))}${suffix}`;
    return String(Number(v.toPrecision(3)));
  }

  type Scale = { type?: string; ticks?: Record<string, unknown> };
  type Options = { scales?: Record<string, Scale>; plugins?: { legend?: { labels?: Record<string, unknown> } } };
  const { charts } = JSON.parse(dataElement.textContent ?? '{}') as { charts: Record<string, { options?: Options }> };
  // On a phone the legend would take most of the canvas: smaller entries leave room for the plot.
  const narrow = window.matchMedia('(max-width: 40rem)').matches;
  for (const canvas of Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]'))) {
    const config = charts[canvas.dataset.chart ?? ''];
    if (!config) continue;
    for (const scale of Object.values(config.options?.scales ?? {})) {
      if (scale.type === 'logarithmic') scale.ticks = { ...scale.ticks, callback: logTick, autoSkip: false };
    }
    if (narrow && config.options) {
      const plugins = (config.options.plugins ??= {});
      const legend = (plugins.legend ??= {});
      legend.labels = { ...legend.labels, boxWidth: 10, boxHeight: 10, font: { size: 10 } };
    }
    new ChartCtor(canvas, config);
  }
})();
