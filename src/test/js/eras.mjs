// Real MCP clients against one gateway URL, each in its own protocol era:
//   v2-auto    @modelcontextprotocol/client 2.4.x, versionNegotiation {mode: 'auto'} (probes server/discover)
//   v2-pinned  the same client pinned to 2026-07-28 (no fallback)
//   v1         @modelcontextprotocol/sdk 1.32.x: initialize and a session (Mcp-Session-Id)
//   v2-listen  the v2 client (auto) with a listChanged.tools handler: once its subscription is open, the script
//              replaces the instances file at $INSTANCES_FILE with $INSTANCES_NEXT (as an operator would) and
//              waits for the tools/list_changed the gateway sends on the subscription
// Each of the first three lists tools and calls get_project; the v2 clients also open subscriptions/listen.
// Usage: node eras.mjs <mcp url> <project id> <client> ...   Prints one JSON line per client.
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { renameSync, writeFileSync } from 'node:fs';

const [url, projectId, ...clients] = process.argv.slice(2);
const info = { name: 'gateway-era-test', version: '1.0.0' };

function text(result) {
  return (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}

async function v2(mode) {
  const client = new ClientV2(info, { versionNegotiation: { mode } });
  const transport = new TransportV2(new URL(url));
  await client.connect(transport);
  const tools = await client.listTools();
  const called = await client.callTool({ name: 'get_project', arguments: { project_id: projectId } });
  const sub = await client.listen({ toolsListChanged: true, promptsListChanged: true });
  const honoured = sub.honoredFilter;
  await sub.close();
  const out = {
    era: client.getProtocolEra(),
    version: client.getNegotiatedProtocolVersion(),
    sessionId: transport.sessionId ?? null,
    tools: tools.tools.length,
    listsGetProject: tools.tools.some((t) => t.name === 'get_project'),
    isError: called.isError ?? false,
    text: text(called),
    honoured,
  };
  await client.close();
  return out;
}

async function v1() {
  const client = new ClientV1(info);
  const transport = new TransportV1(new URL(url));
  await client.connect(transport);
  const tools = await client.listTools();
  const called = await client.callTool({ name: 'get_project', arguments: { project_id: projectId } });
  const out = {
    era: 'legacy',
    version: transport.protocolVersion ?? null,
    sessionId: transport.sessionId ?? null,
    tools: tools.tools.length,
    listsGetProject: tools.tools.some((t) => t.name === 'get_project'),
    isError: called.isError ?? false,
    text: text(called),
  };
  await transport.terminateSession();
  await client.close();
  return out;
}

async function v2Listen() {
  let changed;
  const refreshed = new Promise((resolve) => { changed = resolve; });
  const client = new ClientV2(info, {
    versionNegotiation: { mode: 'auto' },
    listChanged: { tools: { debounceMs: 0, onChanged: (error, tools) => changed({ error, tools }) } },
  });
  await client.connect(new TransportV2(new URL(url)));
  const era = client.getProtocolEra();
  const sub = await client.listen({ toolsListChanged: true }); // acknowledged: the gateway now reports changes
  const next = process.env.INSTANCES_FILE + '.next';
  writeFileSync(next, process.env.INSTANCES_NEXT);
  renameSync(next, process.env.INSTANCES_FILE);
  const timeout = new Promise((resolve) => setTimeout(() => resolve({ error: 'no tools/list_changed in 30 s' }), 30000));
  const got = await Promise.race([refreshed, timeout]);
  await sub.close();
  await client.close();
  return { era, changed: !got.error, error: got.error ? String(got.error) : null,
    tools: got.tools?.length ?? 0 };
}

const runs = { 'v2-listen': v2Listen, 'v2-auto': () => v2('auto'), 'v2-pinned': () => v2({ pin: '2026-07-28' }), v1 };
let failed = false;
for (const name of clients) {
  try {
    console.log(JSON.stringify({ client: name, ...(await runs[name]()) }));
  } catch (e) {
    failed = true;
    console.log(JSON.stringify({ client: name, error: String(e?.stack ?? e) }));
  }
}
process.exit(failed ? 1 : 0);
