/**
 * Cuts a text stream into lines as chunks arrive: a line may be split across chunks, and one
 * chunk may hold several lines. `\r\n` and `\n` both end a line; empty lines are dropped.
 */
export class LineSplitter {
  private partial = "";

  /** The lines this chunk completes. */
  push(chunk: string): string[] {
    const text = this.partial + chunk;
    const parts = text.split("\n");
    this.partial = parts.pop() ?? "";
    return parts.map((line) => line.replace(/\r$/, "")).filter((line) => line !== "");
  }

  /** The last line when the stream ended without a newline. */
  flush(): string[] {
    const rest = this.partial.replace(/\r$/, "");
    this.partial = "";
    return rest === "" ? [] : [rest];
  }
}
