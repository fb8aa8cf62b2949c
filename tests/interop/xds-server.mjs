// An xDS (ADS, state of the world) server built on grpc-js and the official Envoy API protos shipped in
// @grpc/grpc-js-xds: another gRPC stack and the full proto definitions, to check MeshClient against an
// implementation that is not its own. Serves v2 and v3 on one port; prints "listening PORT" when ready.
// Usage: node xds-server.mjs [port]
// Optional, as istiod on port 15012: XDS_TLS_CERT and XDS_TLS_KEY (PEM files) serve TLS; XDS_TOKEN requires
// `authorization: Bearer XDS_TOKEN` on every stream (UNAUTHENTICATED otherwise).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const deps = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
const includeDirs = [
  here,
  path.join(deps, 'envoy-api'),
  path.join(deps, 'xds'),
  path.join(deps, 'googleapis'),
  path.join(deps, 'protoc-gen-validate'),
];

const files = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'v2-ads.proto',
];

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => {
  for (const dir of includeDirs) {
    const candidate = path.join(dir, target);
    try { require('node:fs').accessSync(candidate); return candidate; } catch { /* next */ }
  }
  return target;
};
root.loadSync(files, { keepCase: true });
const Cluster = root.lookupType('envoy.config.cluster.v3.Cluster');
const ClusterLoadAssignment = root.lookupType('envoy.config.endpoint.v3.ClusterLoadAssignment');
const UpstreamTlsContext = root.lookupType('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext');

const definition = protoLoader.loadSync(files, { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true, includeDirs });
const proto = grpc.loadPackageDefinition(definition);

const TYPES = {
  v3: {
    cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
    endpoints: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  },
  v2: {
    cluster: 'type.googleapis.com/envoy.api.v2.Cluster',
    endpoints: 'type.googleapis.com/envoy.api.v2.ClusterLoadAssignment',
  },
};

// The fixture: Istio-shaped clusters as istiod sends them to a sidecar (TLS transport socket matches,
// circuit breakers, istio metadata), three subsets of reviews, one STATIC cluster with an inline assignment.
const reviews = 'reviews.default.svc.cluster.local';
const endpoints = [
  { ip: '10.1.0.1', version: 'v1' },
  { ip: '10.1.0.2', version: 'v2' },
  { ip: '10.1.0.3', version: 'v3' },
];

function tlsSocket() {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      type_url: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
      value: Buffer.from(UpstreamTlsContext.encode(UpstreamTlsContext.fromObject({ sni: `outbound_.9080_._.${reviews}` })).finish()),
    },
  };
}

function edsCluster(subset) {
  const name = `outbound|9080|${subset}|${reviews}`;
  return Cluster.fromObject({
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, initial_fetch_timeout: { seconds: 0 }, resource_api_version: 'V3' }, service_name: name },
    connect_timeout: { seconds: 10 },
    lb_policy: 'LEAST_REQUEST',
    circuit_breakers: { thresholds: [{ max_connections: { value: 4294967295 }, max_pending_requests: { value: 4294967295 }, max_requests: { value: 4294967295 }, max_retries: { value: 4294967295 } }] },
    metadata: { filter_metadata: { istio: { fields: { services: { list_value: { values: [{ struct_value: { fields: { host: { string_value: reviews }, name: { string_value: 'reviews' }, namespace: { string_value: 'default' } } } }] } } } } } },
    transport_socket_matches: [
      { name: 'tlsMode-istio', match: { fields: { tlsMode: { string_value: 'istio' } } }, transport_socket: tlsSocket() },
      { name: 'tlsMode-disabled', match: {}, transport_socket: { name: 'envoy.transport_sockets.raw_buffer' } },
    ],
  });
}

function assignment(subset) {
  const name = `outbound|9080|${subset}|${reviews}`;
  const chosen = endpoints.filter(e => subset === '' || e.version === subset);
  return ClusterLoadAssignment.fromObject({
    cluster_name: name,
    endpoints: [{
      locality: { region: 'eu-west', zone: 'eu-west-1a', sub_zone: '' },
      load_balancing_weight: { value: chosen.length },
      priority: 0,
      lb_endpoints: chosen.map(e => ({
        endpoint: { address: { socket_address: { address: e.ip, port_value: 9080 } } },
        health_status: 'HEALTHY',
        load_balancing_weight: { value: 1 },
        metadata: { filter_metadata: {
          'envoy.transport_socket_match': { fields: { tlsMode: { string_value: 'istio' } } },
          istio: { fields: { workload: { string_value: `reviews-${e.version};default;reviews;${e.version};Kubernetes` } } },
        } },
      })),
    }],
  });
}

const staticCluster = Cluster.fromObject({
  name: 'BlackHoleCluster-static',
  type: 'STATIC',
  connect_timeout: { seconds: 1 },
  load_assignment: {
    cluster_name: 'BlackHoleCluster-static',
    endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 15001 } } } }] }],
  },
});

const clusters = ['', 'v1', 'v2', 'v3'].map(edsCluster).concat([staticCluster]);
const assignments = new Map(['', 'v1', 'v2', 'v3'].map(s => [`outbound|9080|${s}|${reviews}`, assignment(s)]));

let nonceCounter = 0;
function pack(typeUrl, type, message) {
  return { type_url: typeUrl, value: Buffer.from(type.encode(message).finish()) };
}

function handler(version) {
  return call => {
    const required = process.env.XDS_TOKEN;
    if (required && call.metadata.get('authorization')[0] !== `Bearer ${required}`) {
      process.stderr.write(`stream ${version} refused: no valid bearer token\n`);
      call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'authentication failure' });
      return;
    }
    let node = null;
    call.on('data', request => {
      if (!node) {
        node = request.node;
        if (!node || !node.id || node.id.split('~').length !== 4) {
          call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'first request has no parseable node id' });
          return;
        }
        process.stderr.write(`stream ${version} from ${node.id}\n`);
      }
      if (request.error_detail) {
        process.stderr.write(`NACK ${request.type_url}: ${request.error_detail.message}\n`);
        return;
      }
      const types = TYPES[version];
      if (request.type_url === types.cluster) {
        if (request.response_nonce) return; // ACK
        call.write({ version_info: '1', type_url: types.cluster, nonce: String(++nonceCounter),
          resources: clusters.map(c => pack(types.cluster, Cluster, c)) });
      } else if (request.type_url === types.endpoints) {
        const names = request.resource_names || [];
        const fresh = names.filter(n => !call.sent?.has(n));
        if (fresh.length === 0) return; // ACK of what was sent
        call.sent = new Set(names);
        call.write({ version_info: '1', type_url: types.endpoints, nonce: String(++nonceCounter),
          resources: names.filter(n => assignments.has(n)).map(n => pack(types.endpoints, ClusterLoadAssignment, assignments.get(n))) });
      }
    });
    call.on('end', () => call.end());
    call.on('error', () => {});
  };
}

const server = new grpc.Server();
server.addService(proto.envoy.service.discovery.v3.AggregatedDiscoveryService.service, { StreamAggregatedResources: handler('v3') });
server.addService(proto.envoy.service.discovery.v2.AggregatedDiscoveryService.service, { StreamAggregatedResources: handler('v2') });
const port = Number(process.argv[2] || 0);
const fs = require('node:fs');
const credentials = process.env.XDS_TLS_CERT
  ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: fs.readFileSync(process.env.XDS_TLS_CERT), private_key: fs.readFileSync(process.env.XDS_TLS_KEY) }], false)
  : grpc.ServerCredentials.createInsecure();
server.bindAsync(`127.0.0.1:${port}`, credentials, (error, bound) => {
  if (error) { console.error(error.message); process.exit(1); }
  console.log(`listening ${bound}`);
});
