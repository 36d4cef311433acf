// A small Server-Sent Events server that implements pushbench's contract (docs/contract.md), written the way a user
// would write one: plain node:http, nothing from pushbench. Benchmark it with
//
//   npx pushbench run quick --server external --transports sse \
//     --target http://127.0.0.1:8081 --server-cmd "node examples/sse-server.mjs --port 8081"
import http from 'node:http';

const port = Number(process.argv[process.argv.indexOf('--port') + 1] || process.env.PORT || 8081);
/** Every message body published so far; message N is history[N - 1]. */
let history = [];
const subscribers = new Set();

/** The sequence number a body starts with (base 36, before the first space). */
const seqOf = (body) => parseInt(body.slice(0, body.indexOf(' ')), 36);
const event = (seq, body) => `id: ${seq}\ndata: ${body}\n\n`;

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/publish') {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const seq = seqOf(body);
      // Message 1 starts a new feed: forget the last run's.
      if (seq === 1) history = [];
      history.push(body);
      for (const sub of subscribers) sub.write(event(seq, body));
      res.writeHead(204).end();
    });
    return;
  }
  if (req.method === 'GET' && req.url === '/sse') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    // A client that reconnects says what it had; send it what it missed.
    const last = Number(req.headers['last-event-id']);
    if (Number.isInteger(last)) for (let seq = last + 1; seq <= history.length; seq++) res.write(event(seq, history[seq - 1]));
    subscribers.add(res);
    res.on('close', () => subscribers.delete(res));
    return;
  }
  res.writeHead(404).end();
});

server.listen(port, '127.0.0.1', () => console.log(`SSE server on http://127.0.0.1:${port}/sse, publish with POST /publish`));
process.on('SIGTERM', () => process.exit(0));
