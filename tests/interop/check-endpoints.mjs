// Checks the JSON that `meshctl endpoints --json` printed against the fixture xds-server.mjs serves.
import { readFileSync } from 'node:fs';

const document = JSON.parse(readFileSync(0, 'utf8'));
const failures = [];
const byName = new Map(document.clusters.map(c => [c.name, c]));
const host = 'reviews.default.svc.cluster.local';
const expected = { '': ['10.1.0.1', '10.1.0.2', '10.1.0.3'], v1: ['10.1.0.1'], v2: ['10.1.0.2'], v3: ['10.1.0.3'] };
for (const [subset, addresses] of Object.entries(expected)) {
  const name = `outbound|9080|${subset}|${host}`;
  const cluster = byName.get(name);
  if (!cluster) { failures.push(`missing cluster ${name}`); continue; }
  if (cluster.service !== 'reviews' || cluster.namespace !== 'default' || cluster.port !== 9080 || cluster.subset !== subset || cluster.direction !== 'outbound') {
    failures.push(`cluster ${name}: wrong parts ${JSON.stringify({ ...cluster, endpoints: undefined })}`);
  }
  const got = cluster.endpoints.map(e => e.address).sort();
  if (JSON.stringify(got) !== JSON.stringify(addresses)) failures.push(`cluster ${name}: endpoints ${got} != ${addresses}`);
  for (const e of cluster.endpoints) {
    if (e.port !== 9080 || e.health !== 'HEALTHY' || e.weight !== 1 || e.locality.region !== 'eu-west' || e.locality.zone !== 'eu-west-1a') {
      failures.push(`cluster ${name}: endpoint ${JSON.stringify(e)}`);
    }
  }
}
const staticCluster = byName.get('BlackHoleCluster-static');
if (!staticCluster || staticCluster.service !== null || staticCluster.endpoints.length !== 1 || staticCluster.endpoints[0].port !== 15001) {
  failures.push(`static cluster with inline endpoints: ${JSON.stringify(staticCluster)}`);
}
if (document.clusters.length !== 5) failures.push(`expected 5 clusters, got ${document.clusters.length}`);
if (failures.length) { console.error(failures.join('\n')); process.exit(1); }
console.log(`ok: ${document.clusters.length} clusters, ${document.clusters.reduce((n, c) => n + c.endpoints.length, 0)} endpoints`);
