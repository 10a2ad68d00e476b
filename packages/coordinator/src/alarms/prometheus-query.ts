/**
 * One instant query against a Prometheus server's HTTP API (`GET <url>/api/v1/query?query=…`). An
 * unreachable server or an error answer is an expected failure, returned for the log; it never throws.
 */
import { z } from 'zod';
import { err, ok, type Result } from '@baton/shared';

const SampleValue = z.tuple([z.number(), z.string()]);

const QueryAnswer = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({ resultType: z.literal('vector'), result: z.array(z.object({ value: SampleValue })) }),
      z.object({ resultType: z.literal('scalar'), result: SampleValue }),
    ]),
  }),
  z.object({ status: z.literal('error'), error: z.string() }),
]);

/** The numeric values of the answer (one per series); NaN samples are left out. */
export async function queryPrometheus(baseUrl: string, query: string, timeoutMs: number): Promise<Result<number[], string>> {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(query)}`;
  let body: unknown;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    body = await response.json();
  } catch (error) {
    return err(`cannot query ${baseUrl}: ${(error as Error).message}`);
  }
  const answer = QueryAnswer.safeParse(body);
  if (!answer.success) return err(`unexpected answer from ${baseUrl}: ${answer.error.issues[0]?.message ?? 'unknown'}`);
  if (answer.data.status === 'error') return err(`${baseUrl} refused the query: ${answer.data.error}`);
  const samples = answer.data.data.resultType === 'scalar' ? [answer.data.data.result] : answer.data.data.result.map((series) => series.value);
  return ok(samples.map(([, text]) => Number(text)).filter((value) => !Number.isNaN(value)));
}
