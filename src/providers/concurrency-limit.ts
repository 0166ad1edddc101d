import type { ModelProvider, ModelRequest, ModelResponse } from "../core/ports.js";
import { Semaphore } from "../core/semaphore.js";

/**
 * Wraps a provider so that at most `maxConcurrency` of its calls are in flight at once, across
 * every task of the process (a vendor's rate limit). Waiting calls queue in arrival order and
 * stop waiting when their request's signal aborts.
 */
export function limitConcurrency(provider: ModelProvider, maxConcurrency: number): ModelProvider {
  const slots = new Semaphore(maxConcurrency);
  const complete = (request: ModelRequest): Promise<ModelResponse> =>
    slots.with(() => provider.complete(request), request.signal);
  return {
    name: provider.name,
    family: provider.family,
    kind: provider.kind,
    complete,
    ...(provider.check ? { check: provider.check.bind(provider) } : {}),
    ...(provider.endTask ? { endTask: provider.endTask.bind(provider) } : {}),
  };
}
