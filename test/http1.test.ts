import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter, ResponseParser, parseChunkSize, type ResponseHead } from '../harness/protocol/http1.js';

function collect() {
  const events: Array<{ head?: ResponseHead; body?: string; end?: true }> = [];
  const parser = new ResponseParser({
    onHead: (head) => events.push({ head }),
    onBody: (b, s, e) => events.push({ body: b.toString('latin1', s, e) }),
    onEnd: () => events.push({ end: true }),
  });
  return { events, parser };
}

const bodyOf = (events: ReturnType<typeof collect>['events']): string => events.map((e) => e.body ?? '').join('');

test('Content-Length responses, back to back on one connection, split at every byte', () => {
  const wire = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
  const { events, parser } = collect();
  for (const ch of wire) parser.execute(Buffer.from(ch, 'latin1'));
  assert.equal(events.filter((e) => e.head).length, 2);
  assert.equal(events.filter((e) => e.end).length, 2);
  assert.equal(bodyOf(events), 'hello');
  assert.equal(events[0]!.head!.headBytes, 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'.length);
});

test('chunked bodies are de-chunked across arbitrary splits, and the last chunk ends the response', () => {
  const wire = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1a\r\n' + 'x'.repeat(26) + '\r\n0\r\n\r\n';
  for (const size of [1, 3, 7, wire.length]) {
    const { events, parser } = collect();
    for (let i = 0; i < wire.length; i += size) parser.execute(Buffer.from(wire.slice(i, i + size), 'latin1'));
    assert.equal(bodyOf(events), 'hello' + 'x'.repeat(26), `split size ${size}`);
    assert.equal(events.filter((e) => e.end).length, 1);
  }
});

test('a malformed status line is an error code, not a crash', () => {
  const { parser } = collect();
  assert.throws(() => parser.execute(Buffer.from('SMTP ready\r\n\r\n')), /HTTP_BAD_STATUS_LINE/);
});

test('line splitter joins lines across buffers', () => {
  const lines: string[] = [];
  const s = new LineSplitter();
  const push = (t: string): void => s.push(Buffer.from(t), 0, t.length, (b, st, e) => lines.push(b.toString('latin1', st, e)));
  push('ab');
  push('c\nde');
  push('\n\nf');
  push('\n');
  assert.deepEqual(lines, ['abc', 'de', '', 'f']);
});

test('chunk-size lines are read from the bytes: hex either case, extensions, CR optional, garbage refused', () => {
  const size = (line: string): number => {
    const b = Buffer.from(`xx${line}yy`, 'latin1');
    return parseChunkSize(b, 2, 2 + line.length);
  };
  assert.equal(size('1a\r'), 26);
  assert.equal(size('1A\r'), 26);
  assert.equal(size('ff;name=value\r'), 255);
  assert.equal(size(' 5 \r'), 5);
  assert.equal(size('0\r'), 0);
  assert.equal(size('10'), 16);
  for (const bad of ['', '\r', 'g\r', '5x\r', '-1\r', '5 5\r', '1'.repeat(14)]) assert.equal(size(bad), -1, JSON.stringify(bad));
});
