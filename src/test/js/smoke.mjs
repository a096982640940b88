// Smoke check of the harness: the SDK packages resolve and Node is 22.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { chromium } from 'playwright-core';
console.log(JSON.stringify({ node: process.versions.node, client: typeof Client, chromium: typeof chromium.launch }));
