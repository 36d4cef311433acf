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

  /** 1, 10, 100, 1k, 10k, 1M: decades only, so log axes stay readable. */
  function logTick(value: number | string): string {
    const v = Number(value);
    if (!(v > 0)) return '';
    const exponent = Math.log10(v);
    if (Math.abs(exponent - Math.round(exponent)) > 1e-9) return '';
    const units: Array<[number, string]> = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
    for (const [size, suffix] of units) if (v >= size) return `${v / size}${suffix}`;
    return String(v);
  }

  type Scale = { type?: string; ticks?: Record<string, unknown> };
  const { charts } = JSON.parse(dataElement.textContent ?? '{}') as { charts: Record<string, { options?: { scales?: Record<string, Scale> } }> };
  for (const canvas of Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]'))) {
    const config = charts[canvas.dataset.chart ?? ''];
    if (!config) continue;
    for (const scale of Object.values(config.options?.scales ?? {})) {
      if (scale.type === 'logarithmic') scale.ticks = { ...scale.ticks, callback: logTick, autoSkip: false };
    }
    new ChartCtor(canvas, config);
  }
})();
