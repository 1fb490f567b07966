// Runs graphql-http's server audits (the GraphQL-over-HTTP specification's own suite)
// one after the other against the URL given as the first argument and prints the results as one JSON array:
// [{id, name, status: "ok" | "notice" | "warn" | "error", reason?}].
// Run by tests/api/test_graphql_over_http.py with NODE_PATH set to .cache/node/node_modules.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { serverAudits } = require("graphql-http");

const url = process.argv[2];
// One at a time (auditServer runs them all at once): the server refuses more than
// KPI_MAX_GRAPHQL_IN_PROGRESS uncached requests at once, rightly, with 503.
const results = [];
for (const audit of serverAudits({ url })) {
  results.push(await audit.fn());
}
const plain = await Promise.all(
  results.map(async (r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    ...(r.status === "ok" ? {} : { reason: r.reason, body: r.response ? await r.response.text().catch(() => null) : null }),
  })),
);
process.stdout.write(JSON.stringify(plain));
