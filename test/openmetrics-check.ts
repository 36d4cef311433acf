/**
 * A checker of the OpenMetrics 1.0 text format's rules that matter to a scraper (shared by the export and dashboard
 * tests): # TYPE before a family's samples and once, each series (name and label set) once, # UNIT only as the name's suffix, metric and label name
 * syntax, escaped label values, families not interleaved, sample names the type allows, and `# EOF` last.
 * Returns the samples it read.
 */
import assert from 'node:assert/strict';

export interface ParsedSample {
  family: string;
  name: string;
  labels: Record<string, string>;
  value: number;
}

const TYPES = new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'stateset', 'info', 'summary', 'unknown']);
const SUFFIXES: Record<string, string[]> = {
  counter: ['_total', '_created'],
  gauge: [''],
  summary: ['', '_sum', '_count', '_created'],
  info: ['_info'],
  unknown: [''],
};

export function checkOpenMetrics(text: string): ParsedSample[] {
  assert.ok(text.endsWith('# EOF\n'), 'ends with "# EOF" and a newline');
  const lines = text.slice(0, -1).split('\n');
  assert.equal(lines.filter((l) => l === '# EOF').length, 1, 'one # EOF');
  assert.equal(lines[lines.length - 1], '# EOF');
  const types = new Map<string, string>();
  const units = new Map<string, string>();
  const closed = new Set<string>();
  let current: string | null = null;
  const samples: ParsedSample[] = [];
  const series = new Set<string>();
  for (const line of lines.slice(0, -1)) {
    assert.notEqual(line, '', 'no blank lines');
    const meta = /^# (TYPE|UNIT|HELP) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (line.startsWith('#')) {
      assert.ok(meta, `metadata line: ${line}`);
      const [, kind, name, rest] = meta;
      if (kind === 'TYPE') {
        assert.ok(!types.has(name!) && !closed.has(name!), `one TYPE per family: ${name}`);
        assert.ok(TYPES.has(rest!), `known type ${rest}`);
        if (current) closed.add(current);
        current = name!;
        types.set(name!, rest!);
      } else {
        assert.ok(name === current, `${kind} belongs to the family being written: ${line}`);
        if (kind === 'UNIT') {
          assert.ok(name!.endsWith(`_${rest}`), `a family with UNIT ${rest} is named ..._${rest}: ${name}`);
          units.set(name!, rest!);
        }
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `sample line syntax: ${line}`);
    const [, name, , labelText, valueText] = m;
    assert.ok(current, `sample after a TYPE: ${line}`);
    const suffix = name!.slice(current!.length);
    assert.ok(name!.startsWith(current!) && (SUFFIXES[types.get(current!)!] ?? ['']).includes(suffix), `sample ${name} belongs to family ${current}`);
    const labels: Record<string, string> = {};
    if (labelText) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/y;
      let pos = 0;
      while (pos < labelText.length) {
        re.lastIndex = pos;
        const lm = re.exec(labelText);
        assert.ok(lm, `label syntax in ${line} at ${pos}`);
        assert.ok(!(lm[1]! in labels), `label ${lm[1]} once`);
        labels[lm[1]!] = lm[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
        pos = re.lastIndex;
      }
    }
    assert.match(valueText!, /^(NaN|[+-]Inf|-?\d+(\.\d+)?(e[+-]?\d+)?)$/i, `value ${valueText}`);
    const key = `${name}{${Object.entries(labels).sort().map(([k, v]) => `${k}=${v}`).join(',')}}`;
    assert.ok(!series.has(key), `one sample per series: ${key}`);
    series.add(key);
    samples.push({ family: current!, name: name!, labels, value: Number(valueText) });
  }
  return samples;
}
