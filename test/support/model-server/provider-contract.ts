import { afterEach, describe, expect, it } from "vitest";
import type { TokenUsage } from "../../../src/core/events.js";
import type { ModelProvider, ModelRequest } from "../../../src/core/ports.js";
import { ProviderError } from "../../../src/core/provider-errors.js";
import type { ModelSpec, ProviderKind } from "../../../src/core/project-config.js";
import { costOfCall } from "../../../src/costs/call-cost.js";
import { costOf } from "../../../src/costs/price.js";
import { testModelSpec, TEST_PRICE } from "./model-spec.js";
import { startModelServer, type ModelServer, type Scenario, type Vendor } from "./index.js";

/** One API provider adapter, as the shared suite drives it. */
export interface ApiProviderCase {
  readonly provider: ProviderKind;
  /** The wire protocol the adapter speaks to the scripted server. */
  readonly vendor: Vendor;
  /** The adapter, reading its key from `env`. */
  readonly create: (spec: ModelSpec, env: Readonly<Record<string, string>>) => ModelProvider;
  /** `base_url` for a server at `serverUrl`. */
  readonly baseUrl: (serverUrl: string) => string;
  /** The variable the key is read from by default; `undefined` when no key is needed. */
  readonly keyEnv: string | undefined;
  /** How `SCRIPTED_USAGE` comes out normalised from this vendor's usage shape. */
  readonly expectedUsage: TokenUsage;
}

/** The usage every rule in the suite reports (in the vendor's shape). */
export const SCRIPTED_USAGE = { input: 100, output: 20, cacheRead: 300, cacheWrite: 40 } as const;

export const REQUEST: ModelRequest = {
  role: "planner",
  taskId: "t1",
  system: "You are the planner. Answer in JSON.",
  prompt: "Plan the task: add a greeting.",
  mode: "text",
  cwd: "/nonexistent",
};

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/**
 * The behaviour every API provider shares, run against the real scripted server over HTTP on
 * 127.0.0.1: answers, usage and cost, each error class, timeout, abort and `check`.
 */
export function describeApiProvider(c: ApiProviderCase): void {
  let server: ModelServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const env: Record<string, string> = c.keyEnv === undefined ? {} : { [c.keyEnv]: "test-key" };

  async function setUp(
    scenario: Scenario,
    overrides: Partial<ModelSpec> = {},
    withEnv: Readonly<Record<string, string>> = env,
  ): Promise<{ provider: ModelProvider; server: ModelServer }> {
    server = await startModelServer(scenario);
    const spec = testModelSpec(c.provider, { baseUrl: c.baseUrl(server.url), ...overrides });
    return { provider: c.create(spec, withEnv), server };
  }

  describe(`${c.provider} provider (contract)`, () => {
    it("answers text with normalised usage, cost, the reported model id and a transcript", async () => {
      const { provider, server } = await setUp({
        rules: [
          {
            match: { vendor: c.vendor, model: "test-model", prompt: "add a greeting" },
            text: '{"steps":[]}',
            usage: SCRIPTED_USAGE,
            modelId: "test-model-2025-01-01",
          },
        ],
      });
      const response = await provider.complete(REQUEST);
      expect(response.text).toBe('{"steps":[]}');
      expect(response.usage).toEqual(c.expectedUsage);
      // An API reports no cost of its own: the engine prices the usage with the price table.
      expect(response.costUsd).toBeUndefined();
      const cost = costOfCall(response.usage, TEST_PRICE, response.costUsd);
      expect(cost.source).toBe("prices");
      expect(cost.usd).toBeCloseTo(costOf(c.expectedUsage, TEST_PRICE), 12);
      expect(response.modelId).toBe("test-model-2025-01-01");
      expect(response.durationMs).toBeGreaterThanOrEqual(0);
      expect(response.transcript).toContain("steps");
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]).toMatchObject({
        vendor: c.vendor,
        system: REQUEST.system,
        prompt: REQUEST.prompt,
        stream: false,
      });
    });

    it("refuses agent mode without calling the server", async () => {
      const { provider, server } = await setUp({ rules: [{ text: "x" }] });
      const error = await failure(provider.complete({ ...REQUEST, mode: "agent" }));
      expect(error.kind).toBe("bad_request");
      expect(error.message).toMatch(/text mode.*implementer_mode: text.*CLI provider/);
      expect(server.requests).toHaveLength(0);
    });

    it.each([
      [401, "auth"],
      [403, "auth"],
      [429, "rate_limit"],
      [408, "overloaded"],
      [409, "overloaded"],
      [500, "overloaded"],
      [503, "overloaded"],
      [529, "overloaded"],
      [400, "bad_request"],
      [404, "bad_request"],
      [422, "bad_request"],
    ] as const)("maps HTTP %i to %s, without retrying inside the SDK", async (status, kind) => {
      const { provider, server } = await setUp({ rules: [{ fault: { status } }] });
      const error = await failure(provider.complete(REQUEST));
      expect(error.kind).toBe(kind);
      expect(error.status).toBe(status);
      expect(server.requests).toHaveLength(1);
    });

    it("reads retry-after in seconds and as an HTTP date", async () => {
      const { provider } = await setUp({
        rules: [
          { uses: 1, fault: { status: 429, retryAfter: 7 } },
          {
            fault: {
              status: 429,
              retryAfter: new Date(Date.now() + 60_000).toUTCString(),
            },
          },
        ],
      });
      expect((await failure(provider.complete(REQUEST))).retryAfterMs).toBe(7000);
      const dated = (await failure(provider.complete(REQUEST))).retryAfterMs;
      expect(dated).toBeGreaterThan(50_000);
      expect(dated).toBeLessThanOrEqual(60_000);
    });

    it("reports a body that does not parse as malformed output", async () => {
      const { provider } = await setUp({ rules: [{ fault: { malformed: true } }] });
      expect((await failure(provider.complete(REQUEST))).kind).toBe("malformed_output");
    });

    it("reports a JSON answer of the wrong shape as malformed output", async () => {
      const { provider } = await setUp({
        rules: [{ fault: { status: 200, body: { unexpected: true } } }],
      });
      expect((await failure(provider.complete(REQUEST))).kind).toBe("malformed_output");
    });

    it("reports a refused connection and a reset connection as network errors", async () => {
      const { provider } = await setUp({ rules: [{ fault: { reset: true } }] });
      expect((await failure(provider.complete(REQUEST))).kind).toBe("network");
      await server?.close();
      server = undefined;
      expect((await failure(provider.complete(REQUEST))).kind).toBe("network");
    });

    it("gives up at the model's timeout", async () => {
      const { provider } = await setUp({ rules: [{ fault: { hang: true } }] }, { timeoutMs: 300 });
      const started = Date.now();
      const error = await failure(provider.complete(REQUEST));
      expect(error.kind).toBe("timeout");
      expect(error.message).toContain("300 ms");
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it("stops when the caller aborts, and does not call when already aborted", async () => {
      const { provider, server } = await setUp({ rules: [{ fault: { hang: true } }] });
      const controller = new AbortController();
      setTimeout(() => {
        controller.abort();
      }, 100);
      const started = Date.now();
      const error = await failure(provider.complete({ ...REQUEST, signal: controller.signal }));
      expect(error.message).toMatch(/aborted/);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(server.requests).toHaveLength(1);
      await failure(provider.complete({ ...REQUEST, signal: AbortSignal.abort() }));
      expect(server.requests).toHaveLength(1);
    });

    it("passes its check offline and online, and names the fix when the call is refused", async () => {
      const { provider } = await setUp({
        models: ["test-model"],
        rules: [{ uses: 1, text: "OK" }, { fault: { status: 401 } }],
      });
      const offline = await provider.check!({ offline: true });
      expect(offline).toMatchObject({ ok: true, problems: [] });
      if (c.keyEnv !== undefined) expect(offline.found).toContain(c.keyEnv);
      expect(await provider.check!({ offline: false })).toMatchObject({ ok: true, problems: [] });
      const refused = await provider.check!({ offline: false });
      expect(refused.ok).toBe(false);
      expect(refused.problems[0]).toMatch(/auth/);
      expect(refused.fixes).toHaveLength(1);
      if (c.keyEnv !== undefined) expect(refused.fixes[0]).toContain(c.keyEnv);
    });

    if (c.keyEnv !== undefined) {
      const keyEnv = c.keyEnv;
      it("fails with auth, naming the variable, when the key is missing", async () => {
        const { provider, server } = await setUp(
          { rules: [{ text: "x" }] },
          { apiKeyEnv: keyEnv },
          {},
        );
        const error = await failure(provider.complete(REQUEST));
        expect(error.kind).toBe("auth");
        expect(error.message).toContain(keyEnv);
        expect(server.requests).toHaveLength(0);
        const check = await provider.check!({ offline: true });
        expect(check.ok).toBe(false);
        expect(check.problems[0]).toContain(keyEnv);
        expect(check.fixes[0]).toContain(keyEnv);
      });

      it("reads the key from api_key_env when the model names one", async () => {
        const { provider, server } = await setUp(
          { rules: [{ text: "x" }] },
          { apiKeyEnv: "MY_TEAM_KEY" },
          { MY_TEAM_KEY: "team-key" },
        );
        await provider.complete(REQUEST);
        const headers = server.requests[0]?.headers ?? {};
        expect(Object.values(headers).join(" ")).toContain("team-key");
      });
    }
  });
}
