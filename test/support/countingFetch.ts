// A fetch around node-fetch that counts requests and the peak number in flight. Shared by the client tests
// and the benchmarks, so both measure concurrency the same way.
import nodeFetch, { Response } from 'node-fetch';
import type { FetchFn } from '../../src/core/http';

export interface CountingFetch {
  fetch: FetchFn;
  peak: () => number;
  count: () => number;
}

export function countingFetch(): CountingFetch {
  let inFlight = 0;
  let peak = 0;
  let count = 0;
  const fetch = (async (url: Parameters<FetchFn>[0], init: Parameters<FetchFn>[1]) => {
    inFlight++;
    count++;
    peak = Math.max(peak, inFlight);
    try {
      const res = await nodeFetch(url as string, init as never);
      // The request is in flight until its body has arrived.
      const body = await res.buffer();
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } finally {
      inFlight--;
    }
  }) as unknown as FetchFn;
  return { fetch, peak: () => peak, count: () => count };
}
