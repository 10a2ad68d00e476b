#!/usr/bin/env -S node --max-semi-space-size=1
// A small young generation (1 MB semi-spaces instead of up to 16 MB) keeps the idle daemon's V8 heap small;
// the agent allocates little, so the extra scavenges cost nothing noticeable. The flag applies when the
// script runs through this shebang (npx baton-agent, a service unit's ExecStart); `node bin/baton-agent.js`
// works too, without it.
import '../dist/cli/main.js';
