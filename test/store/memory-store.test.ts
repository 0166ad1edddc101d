import { MemoryStore } from "../support/memory-store.js";
import { describeStoreContract } from "../support/store-contract.js";

// The fake the engine's unit tests use must behave like the real store.
describeStoreContract("MemoryStore", (clock) => Promise.resolve(new MemoryStore(clock)));
