import { classifyNetworkError } from '../../src/api/errors';
import type { HttpRequest, HttpResponse, Transport } from '../../src/api/transport';

export type Step = Partial<HttpResponse> | { networkCode: string } | ((req: HttpRequest) => Partial<HttpResponse>);

/** A scripted Transport: answers requests from a queue of steps and records every request. */
export class FakeTransport implements Transport {
  readonly requests: HttpRequest[] = [];
  private readonly steps: Step[];

  constructor(...steps: Step[]) {
    this.steps = steps;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    const step = this.steps.shift();
    if (step === undefined) {
      throw new Error(`FakeTransport: unexpected request ${req.method} ${req.url}`);
    }
    if ('networkCode' in step) {
      throw classifyNetworkError(Object.assign(new Error('network'), { code: step.networkCode }), { host: new URL(req.url).host });
    }
    const res = typeof step === 'function' ? step(req) : step;
    return { status: res.status ?? 200, headers: res.headers ?? {}, body: res.body ?? '' };
  }
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Partial<HttpResponse> {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}
