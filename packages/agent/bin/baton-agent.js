#!/usr/bin/env -S node --max-semi-space-size=1 --lite-mode --no-expose-wasm
// Flags for a small, mostly idle daemon: 1 MB semi-spaces instead of up to 16 MB keep the young generation
// small, and --lite-mode skips V8's optimising compilers and their code caches (the agent's heavy work —
// hashing, decompression, file copies — runs in native code; it uses no WebAssembly, which --no-expose-wasm
// turns off explicitly, as lite mode wants, instead of warning at every start). Together they take the
// idle agent from about 64 MB to about 55 MB RSS. They apply when the script runs through this shebang
// (npx baton-agent, the systemd unit); `node bin/baton-agent.js` works too, without them.
import '../dist/cli/main.js';
