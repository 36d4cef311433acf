import { createPollingServer } from './polling.js';
import type { ServerFactory } from './server.js';

export const createServer: ServerFactory = (ctx) => createPollingServer(ctx, true);
