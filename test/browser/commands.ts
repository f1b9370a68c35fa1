/**
 * Server-side commands for the browser tests (run in Node by Vitest, with Playwright's page):
 * a log of every request the browser makes, workers included, which the page itself cannot see.
 */
import type { BrowserCommand } from 'vitest/node';
import type { Request } from 'playwright-core';

const logs = new Map<string, { urls: string[]; listener: (r: Request) => void }>();

export const startRequestLog: BrowserCommand<[]> = (ctx) => {
  const old = logs.get(ctx.sessionId);
  if (old) ctx.context.off('request', old.listener);
  const urls: string[] = [];
  const entry = { urls, listener: (r: Request) => void urls.push(r.url()) };
  logs.set(ctx.sessionId, entry);
  ctx.context.on('request', entry.listener);
};

export const stopRequestLog: BrowserCommand<[], string[]> = (ctx) => {
  const entry = logs.get(ctx.sessionId);
  if (!entry) return [];
  ctx.context.off('request', entry.listener);
  logs.delete(ctx.sessionId);
  return entry.urls;
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    startRequestLog: () => Promise<void>;
    stopRequestLog: () => Promise<string[]>;
  }
}
