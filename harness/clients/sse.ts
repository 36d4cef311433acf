import { createStreamClient } from './streams.js';
import type { ClientFactory } from './client.js';

export const createClient: ClientFactory = (ctx) => createStreamClient(ctx, true);
