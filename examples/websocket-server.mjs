// A small WebSocket server that implements pushbench's contract (docs/contract.md), written the way a user would
// write one: node:http for the publish endpoint and the `ws` package for the sockets. Benchmark it with
//
//   npx pushbench run quick --server external --transports websocket \
//     --target http://127.0.0.1:8082 --server-cmd "node examples/websocket-server.mjs --port 8082"
import http from 'node:http';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[process.argv.indexOf('--port') + 1] || process.env.PORT || 8082);

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/publish') {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      // One text frame per message, the body as it came.
      for (const ws of wss.clients) ws.send(body);
      res.writeHead(204).end();
    });
    return;
  }
  res.writeHead(404).end();
});

const wss = new WebSocketServer({ server, path: '/ws' });

server.listen(port, '127.0.0.1', () => console.log(`WebSocket server on ws://127.0.0.1:${port}/ws, publish with POST /publish`));
process.on('SIGTERM', () => process.exit(0));
