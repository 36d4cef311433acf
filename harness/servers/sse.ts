import { createStreamServer } from './streams.js';
import type { ServerFactory } from './server.js';

/** `id: N\ndata: BODY\n\n` (WHATWG HTML §9.2). */
export const createServer: ServerFactory = (ctx) =>
  createStreamServer(ctx, {
    kind: 'sse',
    frame: (seq, body) => Buffer.concat([Buffer.from(`id: ${seq}\ndata: `), body, Buffer.from('\n\n')]),
  });
