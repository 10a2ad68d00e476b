/**
 * Real HTTP traffic for the strategy tests, on loopback only: single requests, a sequential batch, and a
 * bounded background stream. Every request opens its own connection (no keep-alive), so the load balancer
 * picks a server for each one.
 */
import { get } from 'node:http';
import type { WebAnswer } from './web-bundle.js';

export interface Sample {
  /** When the request was sent (epoch ms). */
  readonly sentAt: number;
  readonly answer?: WebAnswer;
  /** Why the request failed: a transport error or a status other than 200. */
  readonly error?: string;
}

const REQUEST_TIMEOUT_MS = 5_000;

export function sendRequest(url: string, headers: Readonly<Record<string, string>> = {}): Promise<Sample> {
  const sentAt = Date.now();
  return new Promise((resolve) => {
    const request = get(url, { agent: false, headers: { ...headers, connection: 'close' }, timeout: REQUEST_TIMEOUT_MS }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) return resolve({ sentAt, error: `HTTP ${response.statusCode}: ${body.slice(0, 200)}` });
        try {
          resolve({ sentAt, answer: JSON.parse(body) as WebAnswer });
        } catch {
          resolve({ sentAt, error: `not JSON: ${body.slice(0, 200)}` });
        }
      });
      response.on('error', (error) => resolve({ sentAt, error: error.message }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    request.on('error', (error) => resolve({ sentAt, error: error.message }));
  });
}

/** `count` requests, one after the other. */
export async function sendRequests(url: string, count: number, headers: Readonly<Record<string, string>> = {}): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < count; i++) samples.push(await sendRequest(url, headers));
  return samples;
}

/**
 * Requests one after the other in the background until `stop()`, or until `maxRequests` were sent (the bound
 * that keeps a forgotten stream from running on).
 */
export class RequestStream {
  readonly samples: Sample[] = [];
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(url: string, maxRequests = 100_000) {
    this.done = (async () => {
      while (!this.stopped && this.samples.length < maxRequests) this.samples.push(await sendRequest(url));
    })();
  }

  async stop(): Promise<Sample[]> {
    this.stopped = true;
    await this.done;
    return this.samples;
  }
}

export const failures = (samples: readonly Sample[]): Sample[] => samples.filter((sample) => sample.error !== undefined);

/** How many answers came from each `version@host`. */
export function tally(samples: readonly Sample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { answer } of samples) {
    if (!answer) continue;
    const key = `${answer.version}@${answer.host}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
