/** Which errors are retried, the retry loop, and how errors are reported (never with a record's content). */
import { PutContext } from './internal';
const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerError',
  'InternalServerException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'OperationAbortedException', // concurrent CreateLogStream on the same name
]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN']);

/** Throttling, 5xx and transient network errors are retried; anything else is not. */
export function isRetryable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (!e || typeof e !== 'object') return false;
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  if (e.code && RETRYABLE_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status === 429 || (typeof status === 'number' && status >= 500);
}

export function errorName(err: unknown): string {
  return (err as { name?: string })?.name ?? 'Error';
}

export function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string };
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`;
}

export class RetriesExhaustedError extends Error {
  public readonly name = 'RetriesExhaustedError';
}

export async function withRetries<T>(ctx: PutContext, fn: () => Promise<T>): Promise<T> {
  const { config, deps } = ctx;
  const maxAttempts = config.maxAttempts ?? 8;
  const base = config.baseDelayMs ?? 100;
  const cap = config.maxDelayMs ?? 5000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = deps.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (attempt >= maxAttempts) throw new RetriesExhaustedError(`gave up after ${attempt} attempts: ${errorText(err)}`);
      // Exponential backoff with full jitter.
      const delay = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));
      if (deps.remainingTimeMs && deps.remainingTimeMs() - delay < (deps.minRemainingMs ?? 10_000)) {
        throw new RetriesExhaustedError(`not enough invocation time left to retry: ${errorText(err)}`);
      }
      ctx.stats.retries++;
      await sleep(delay);
    }
  }
}
