import { afterEach, describe, expect, it } from "vitest";
import type { WebhookConfig } from "../../core/project-config.js";
import { startWebhookReceiver } from "../../../test/support/webhook-receiver.js";
import type { WebhookReceiver } from "../../../test/support/webhook-receiver.js";
import { deliverWebhook } from "./webhook-delivery.js";

let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const hook = (url: string): WebhookConfig => ({
  name: "ops",
  url,
  format: "json",
  events: ["awaiting_human"],
  headers: { authorization: "Bearer s3cret" },
});

describe("webhook delivery", () => {
  it("retries a receiver that fails twice, with growing backoff, and succeeds on the third try", async () => {
    receiver = await startWebhookReceiver([500, 503]);
    const waits: number[] = [];
    const result = await deliverWebhook(
      hook(receiver.url),
      { hello: "world" },
      {
        maxAttempts: 4,
        baseDelayMs: 100,
        random: () => 1,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      },
    );
    expect(result).toEqual({ ok: true, attempts: 3, status: 200 });
    expect(waits).toEqual([100, 200]);
    expect(receiver.received.map((r) => r.status)).toEqual([500, 503, 200]);
    expect(receiver.received[2]?.body).toEqual({ hello: "world" });
    expect(receiver.received[2]?.headers.authorization).toBe("Bearer s3cret");
    expect(receiver.received[2]?.headers["content-type"]).toBe("application/json");
  });

  it("does not retry a refusal (4xx) and reports it", async () => {
    receiver = await startWebhookReceiver([404]);
    const result = await deliverWebhook(hook(receiver.url), {}, { maxAttempts: 4, baseDelayMs: 1 });
    expect(result).toEqual({ ok: false, attempts: 1, status: 404, error: "HTTP 404" });
    expect(receiver.received).toHaveLength(1);
  });

  it("gives up after max_attempts when nobody listens, without throwing", async () => {
    receiver = await startWebhookReceiver();
    const url = receiver.url;
    await receiver.close();
    receiver = undefined;
    const result = await deliverWebhook(hook(url), {}, { maxAttempts: 3, baseDelayMs: 1 });
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(3);
    expect(result.status).toBeNull();
    expect(result.error).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it("honours retry-after on 429", async () => {
    receiver = await startWebhookReceiver([429]);
    const waits: number[] = [];
    const result = await deliverWebhook(
      hook(receiver.url),
      {},
      {
        maxAttempts: 2,
        baseDelayMs: 5_000,
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          if (res.status !== 429) return res;
          return new Response("slow down", { status: 429, headers: { "retry-after": "0" } });
        },
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      },
    );
    expect(result.ok).toBe(true);
    expect(waits).toEqual([0]);
  });
});
