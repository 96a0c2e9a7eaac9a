#!/bin/bash
# Traefik swarm-provider labels -> Caddy JSON config (test fixture, not Traefik).
#   routes.sh --once    the config for the services running now
#   routes.sh --empty   the config without app routes
#   routes.sh --watch   every FIXTURE_POLL seconds, load a changed config into Caddy's admin API
# Read from swarm service labels (exposedByDefault=false: only traefik.enable=true):
#   traefik.http.routers.R.rule         Host(`a`[,`b`]) [|| Host(`c`)]; other matchers ignored
#   traefik.http.routers.R.entrypoints  web | web-secure (default both)
#   traefik.http.routers.R.tls, .tls.certresolver    serve R over HTTPS (the cert from FIXTURE_ACME_CA)
#   traefik.http.routers.R.service      S, with traefik.http.services.S.loadbalancer.server.port
#   routers of an @internal service and non-numeric ports are skipped; middlewares are ignored.
# Upstream: tasks.<service>:<port>, Traefik's default of task IPs (no VIP: no IPVS in the lab).
set -uo pipefail
SOCK=/var/run/docker.sock
ADMIN=http://127.0.0.1:2019

services() {
  curl -fsS --unix-socket "$SOCK" http://docker/services \
    | jq '[.[] | {name: ("tasks." + .Spec.Name), labels: (.Spec.Labels // {})}]'
}

config() {
  jq --arg ca "${FIXTURE_ACME_CA:-}" --arg email "${FIXTURE_ACME_EMAIL:-}" '
  def routers:
    [ .[] | select(.labels["traefik.enable"] == "true") | .name as $n | .labels as $l
      | $l | keys[] | capture("^traefik\\.http\\.routers\\.(?<r>[^.]+)\\.rule$").r as $r
      | "traefik.http.routers.\($r)" as $p
      | ($l["\($p).service"] // "") as $svc
      | [ $l | keys[] | capture("^traefik\\.http\\.services\\.(?<s>[^.]+)\\.loadbalancer\\.server\\.port$").s ] as $all
      | ($l["traefik.http.services.\($svc).loadbalancer.server.port"]
         // (if ($all | length) > 0 then $l["traefik.http.services.\($all[0]).loadbalancer.server.port"] else "80" end)) as $port
      | ($l["\($p).entrypoints"] // "web,web-secure" | split(",")) as $eps
      | select($svc | endswith("@internal") | not)
      | select($port | test("^[0-9]+$"))
      | { id: $r, dial: "\($n):\($port)",
          hosts: [ $l[$p + ".rule"] | scan("Host\\(([^)]*)\\)")[0] | scan("`([^`]+)`")[0] ],
          web: ($eps | index("web") != null),
          tls: (($eps | any(. == "web-secure" or . == "websecure")) or $l["\($p).tls"] == "true"
                or $l["\($p).tls.certresolver"] != null) }
      | select((.hosts | length) > 0) ];
  def proxy: { "@id": "router-\(.id)", match: [ { host: .hosts } ],
               handle: [ { handler: "reverse_proxy", upstreams: [ { dial: .dial } ] } ], terminal: true };
  def to_https: { match: [ { host: .hosts } ], terminal: true,
                  handle: [ { handler: "static_response", status_code: 308,
                              headers: { Location: ["https://{http.request.host}{http.request.uri}"] } } ] };
  def notfound: { handle: [ { handler: "static_response", status_code: 404, body: "404 page not found\n" } ] };
  routers as $rs
  | (if $ca == "" then { module: "internal" }
     else { module: "acme", ca: $ca, trusted_roots_pem_files: ["/etc/abra-lab/pebble-api-ca.pem"] }
          + (if $email != "" then { email: $email } else {} end) end) as $issuer
  | { admin: { listen: "127.0.0.1:2019" },
      logging: { logs: { default: { level: "WARN" } } },
      apps: {
        http: { http_port: 80, https_port: 443, servers: {
          web: { listen: [":80"], automatic_https: { disable_redirects: true },
                 routes: ([ { match: [ { path: ["/ping"] } ], terminal: true,
                              handle: [ { handler: "static_response", body: "OK" } ] } ]
                          + [ $rs[] | select(.web and (.tls | not)) | proxy ]
                          + [ $rs[] | select(.tls) | to_https ] + [ notfound ]) },
          websecure: { listen: [":443"], automatic_https: { disable_redirects: true },
                       routes: ([ $rs[] | select(.tls) | proxy ] + [ notfound ]) } } },
        tls: { automation: { policies: [ { issuers: [ $issuer ] } ] } },
        pki: { certificate_authorities: { local: { install_trust: false } } } } }'
}

case "${1:---once}" in
  --empty) echo '[]' | config ;;
  --once) services | config ;;
  --watch)
    loaded=""
    while :; do
      if cfg=$(services | config) && [ -n "$cfg" ]; then
        sum=$(printf '%s' "$cfg" | sha256sum)
        if [ "$sum" != "$loaded" ] \
          && printf '%s' "$cfg" | curl -fsS -X POST -H 'Content-Type: application/json' --data-binary @- "$ADMIN/load" >/dev/null; then
          loaded=$sum
          echo "routes.sh: loaded $(printf '%s' "$cfg" | jq '[.apps.http.servers.websecure.routes[] | select(.["@id"])] | length') HTTPS route(s)" >&2
        fi
      fi
      sleep "${FIXTURE_POLL:-2}"
    done ;;
  *) echo "usage: routes.sh --once|--empty|--watch" >&2; exit 2 ;;
esac
