import assert from "node:assert/strict";
import { test } from "node:test";
import { capitalize, words } from "../src/index.js";

test("capitalize upper-cases the first letter", () => {
  assert.equal(capitalize("hello world"), "Hello world");
  assert.equal(capitalize(""), "");
});

test("words splits on anything that is not a letter or digit", () => {
  assert.deepEqual(words("Hello, big  world!"), ["Hello", "big", "world"]);
  assert.deepEqual(words("  "), []);
});
