import { createPollingClient } from './polling.js';
import type { ClientFactory } from './client.js';

export const createClient: ClientFactory = (ctx) => createPollingClient(ctx, true);
