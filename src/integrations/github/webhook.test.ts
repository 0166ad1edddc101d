import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseCommand } from "./decisions.js";
import { commentFromWebhook, handleWebhookDelivery, verifyWebhookSignature } from "./webhook.js";

const sign = (secret: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("GitHub webhooks and commands", () => {
  it("accepts only a body signed with the secret", () => {
    const body = JSON.stringify({ hello: "world" });
    expect(verifyWebhookSignature("s3cret", body, sign("s3cret", body))).toBe(true);
    expect(verifyWebhookSignature("s3cret", body, sign("other", body))).toBe(false);
    expect(verifyWebhookSignature("s3cret", `${body} `, sign("s3cret", body))).toBe(false);
    expect(verifyWebhookSignature("s3cret", body, undefined)).toBe(false);
    expect(verifyWebhookSignature("s3cret", body, "sha1=abc")).toBe(false);
  });

  it("reads a created issue comment and ignores other deliveries", () => {
    const payload = {
      action: "created",
      issue: { number: 4 },
      comment: {
        id: 99,
        body: "/orchestrator approve",
        created_at: "2026-01-02T03:04:05Z",
        user: { login: "ann" },
      },
      repository: { full_name: "acme/widgets" },
    };
    expect(commentFromWebhook("issue_comment", payload)).toEqual({
      repository: "acme/widgets",
      issue: 4,
      comment: {
        id: 99,
        user: "ann",
        body: "/orchestrator approve",
        createdAt: Date.parse("2026-01-02T03:04:05Z"),
      },
    });
    expect(commentFromWebhook("issue_comment", { ...payload, action: "edited" })).toBeUndefined();
    expect(commentFromWebhook("push", payload)).toBeUndefined();
    expect(commentFromWebhook("issue_comment", { nonsense: true })).toBeUndefined();
  });

  it("parses the four commands, with retry feedback over several lines", () => {
    expect(parseCommand("/orchestrator approve")).toEqual({ decision: "approve" });
    expect(parseCommand("  /orchestrator skip\n")).toEqual({ decision: "skip_step" });
    expect(parseCommand("/orchestrator ABORT")).toEqual({ decision: "abort" });
    expect(parseCommand("/orchestrator retry use a map\nand keep order")).toEqual({
      decision: "retry",
      feedback: "use a map\nand keep order",
    });
    expect(parseCommand("/orchestrator retry")).toEqual({ decision: "retry" });
    expect(parseCommand("please /orchestrator approve")).toBeUndefined();
    expect(parseCommand("/orchestrator merge")).toBeUndefined();
    expect(parseCommand("/orchestrator approved")).toBeUndefined();
  });
});

describe("webhook deliveries", () => {
  const payload = JSON.stringify({
    action: "created",
    issue: { number: 3 },
    comment: {
      id: 7,
      body: "/orchestrator approve",
      created_at: "2026-01-02T03:04:05Z",
      user: { login: "ann" },
    },
    repository: { full_name: "Acme/Widgets" },
  });

  it("hands a signed comment on this repository to the decision path, and refuses a bad signature", async () => {
    const applied: [number, string][] = [];
    const deps = {
      secret: "s",
      repository: "acme/widgets",
      apply: (issue: number, c: { user: string }) => {
        applied.push([issue, c.user]);
        return Promise.resolve("accepted" as const);
      },
    };
    expect(await handleWebhookDelivery(deps, "issue_comment", sign("s", payload), payload)).toEqual(
      {
        status: 200,
        body: { outcome: "accepted" },
      },
    );
    expect(applied).toEqual([[3, "ann"]]);
    expect(
      (await handleWebhookDelivery(deps, "issue_comment", sign("x", payload), payload)).status,
    ).toBe(401);
    const other = { ...deps, repository: "acme/other" };
    expect(
      await handleWebhookDelivery(other, "issue_comment", sign("s", payload), payload),
    ).toMatchObject({
      body: { outcome: "ignored" },
    });
    expect(applied).toHaveLength(1);
  });
});
