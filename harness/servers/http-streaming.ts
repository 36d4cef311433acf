import { NEWLINE } from '../feed.js';
import { createStreamServer } from './streams.js';
import type { ServerFactory } from './server.js';

/** The forever response: each message is the body and a newline, in a chunk of its own. */
export const createServer: ServerFactory = (ctx) =>
  createStreamServer(ctx, { kind: 'stream', frame: (_seq, body) => Buffer.concat([body, NEWLINE]) });
