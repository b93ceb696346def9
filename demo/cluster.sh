#!/usr/bin/env bash
# A Tessera demo cluster on this machine: member JVMs on 127.0.0.1 that you can watch, kill and load.
#
#   demo/cluster.sh start 3       build if needed, start m1..m3, load 10,000 sample entries, print the page URLs
#   demo/cluster.sh status        one line per member: pid, alive, page URL, members it sees, table version
#   demo/cluster.sh kill m3       kill -9 (no goodbye: the others detect it, promote backups, rebuild redundancy)
#   demo/cluster.sh stop m2       SIGTERM: graceful leave (hands its partitions over first)
#   demo/cluster.sh pause m2      SIGSTOP (frozen: still in the view until failure detection gives up on it)
#   demo/cluster.sh resume m2     SIGCONT
#   demo/cluster.sh add [NAME]    start one more member (next free name and ports, or restart NAME)
#   demo/cluster.sh load [SECS]   write new keys for SECS seconds (default 20), then read every acknowledged one back
#   demo/cluster.sh down          end every member (and the Prometheus) this script started (by PID)
#   demo/cluster.sh prometheus [--drill]   Prometheus on 127.0.0.1 scraping every member's /metrics with
#                                 docs/monitoring/alerts.yml loaded (--drill: every alert's 'for' is 0 s, 500 ms scrapes)
#
# Member i listens on 127.0.0.1 only: grid port 7800+i, HTTP port 8080+i (status page http://127.0.0.1:808i/).
# Logs: run/<name>.log, PIDs: run/<name>.pid (run/ is in the repository root).
# Environment: TESSERA_GRID_BASE (7800), TESSERA_HTTP_BASE (8080), TESSERA_JAVA_OPTS, TESSERA_SAMPLE (10000),
# TESSERA_RUN_DIR (run/), TESSERA_PROM_PORT (9090), TESSERA_NO_BUILD=1 (use the build as it is; never run Maven).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${TESSERA_RUN_DIR:-$ROOT/run}"
JAR="$ROOT/demo/target/demo-0.1.0-SNAPSHOT.jar"
LIB="$ROOT/demo/target/lib"
# Members run from a copy of the build in run/lib, so that a rebuild (yours or 'mvn install') cannot pull jars
# from under running JVMs; the copy is refreshed by 'start' (and by 'add' when nothing runs).
CP="$RUN/lib/*"
GRID_BASE="${TESSERA_GRID_BASE:-7800}"
HTTP_BASE="${TESSERA_HTTP_BASE:-8080}"
MEMBER_OPTS="${TESSERA_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
CLIENT_OPTS="-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true"
SAMPLE="${TESSERA_SAMPLE:-10000}"
MAIN=dev.tessera.demo.MemberApp

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

# ---- build ----

build_if_needed() {
  command -v java >/dev/null || die "java not found: install a JDK 17 or newer"
  if [[ "${TESSERA_NO_BUILD:-0}" == 1 ]]; then  # tests: the reactor built it; never run Maven from here
    [[ -f "$JAR" && -d "$LIB" ]] || die "no build in demo/target (TESSERA_NO_BUILD=1): run mvn -B package -pl demo -am first"
    return
  fi
  local stale=""
  if [[ ! -f "$JAR" || ! -d "$LIB" ]]; then
    stale="no build yet"
  elif [[ -n "$(find "$ROOT/pom.xml" "$ROOT"/grid-*/pom.xml "$ROOT"/grid-*/src/main "$ROOT/demo/pom.xml" "$ROOT/demo/src/main" \
                 -newer "$JAR" -type f 2>/dev/null | head -n 1)" ]]; then
    stale="sources changed"
  fi
  if [[ -n "$stale" ]]; then
    command -v mvn >/dev/null || die "mvn not found: install Maven 3.8+ (needed once to build the demo)"
    say "building the demo ($stale): mvn -B -q -Dstyle.color=never install -DskipTests -pl demo -am"
    (cd "$ROOT" && mvn -B -q -Dstyle.color=never install -DskipTests -pl demo -am) || die "build failed (see the Maven output above)"
  fi
}

# Copies the build to run/lib; only while no member runs.
stage() {
  rm -rf "$RUN/lib"
  mkdir -p "$RUN/lib"
  cp "$JAR" "$LIB"/*.jar "$RUN/lib/"
}

# Builds if needed and stages the build, unless members are running (then their copy in run/lib is used).
prepare() {
  if [[ -n "$(running_names)" && -d "$RUN/lib" ]]; then
    if [[ -f "$JAR" && -n "$(find "$ROOT/demo/src/main" "$ROOT"/grid-*/src/main -newer "$RUN/lib" -type f 2>/dev/null | head -n 1)" ]]; then
      say "note: sources changed since this cluster started; 'down' and 'start' again to run them"
    fi
    return
  fi
  build_if_needed
  stage
}

# ---- bookkeeping ----

index_of() { [[ "$1" =~ ^m([0-9]+)$ ]] || die "member names look like m1, m2, ... (was '$1')"; echo "${BASH_REMATCH[1]}"; }
grid_port() { echo $((GRID_BASE + $1)); }
http_port() { echo $((HTTP_BASE + $1)); }
pid_of() { [[ -f "$RUN/$1.pid" ]] && cat "$RUN/$1.pid" || true; }

# True if PID is alive and is the member NAME this script started (guards against a recycled PID).
is_ours() {
  local pid="$1" name="$2"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  local cmd; cmd="$( { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null)" || return 1  # it may exit meanwhile
  [[ "$cmd" == *"$MAIN"*"--name $name "* ]]
}

running_names() {  # names with a live member process, in index order
  local f n
  for f in $(ls "$RUN"/m*.pid 2>/dev/null | sort -V); do
    n="$(basename "$f" .pid)"
    is_ours "$(cat "$f")" "$n" && echo "$n"
  done
  return 0
}

known_names() {  # every name with a pid file, in index order
  local f
  for f in $(ls "$RUN"/m*.pid 2>/dev/null | sort -V); do basename "$f" .pid; done
  return 0
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

peers_up_to() {  # TCPPING list: 127.0.0.1[7801],...,127.0.0.1[7800+n]
  local n="$1" i out=""
  for ((i = 1; i <= n; i++)); do out+="${out:+,}127.0.0.1[$(grid_port "$i")]"; done
  echo "$out"
}

launch() {  # launch NAME: starts the member JVM in its own session, records its pid
  local name="$1" i gp hp peers pid
  i="$(index_of "$name")"
  gp="$(grid_port "$i")"; hp="$(http_port "$i")"
  if is_ours "$(pid_of "$name")" "$name"; then die "$name is already running (pid $(pid_of "$name"))"; fi
  port_in_use "$gp" && die "grid port $gp (for $name) is in use by another program; stop it or set TESSERA_GRID_BASE"
  port_in_use "$hp" && die "HTTP port $hp (for $name) is in use by another program; stop it or set TESSERA_HTTP_BASE"
  local max="$i"; local n
  for n in $(known_names); do (( $(index_of "$n") > max )) && max="$(index_of "$n")"; done
  peers="$(peers_up_to "$max")"
  mkdir -p "$RUN"
  : > "$RUN/$name.log"
  # setsid: the member outlives this script and a Ctrl-C in its terminal; exec keeps the pid of the bash that wrote it.
  # shellcheck disable=SC2086
  setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$RUN/$name.pid" \
      java $MEMBER_OPTS -Djava.net.preferIPv4Stack=true -cp "$CP" "$MAIN" \
      --name "$name" --grid-port "$gp" --http-port "$hp" --peers "$peers" \
      < /dev/null >> "$RUN/$name.log" 2>&1 &
  local tries=0
  while [[ ! -s "$RUN/$name.pid" && $tries -lt 50 ]]; do sleep 0.1; tries=$((tries + 1)); done
  pid="$(pid_of "$name")"
  say "started $name: pid $pid, grid 127.0.0.1:$gp, page http://127.0.0.1:$hp/, log run/$name.log"
  [[ -d "$RUN/prometheus" ]] && write_targets
  return 0
}

targets() {  # name:pid:httpPort for the given names
  local n
  for n in "$@"; do echo "$n:$(pid_of "$n"):$(http_port "$(index_of "$n")")"; done
}

member_urls() {
  local n out=""
  for n in $(running_names); do out+="${out:+,}http://127.0.0.1:$(http_port "$(index_of "$n")")"; done
  echo "$out"
}

probe() { java $CLIENT_OPTS -cp "$CP" dev.tessera.demo.ClusterProbe "$@"; }

print_urls() {
  local n
  say ""
  say "status pages (each member draws the whole cluster; open any one):"
  for n in $(running_names); do say "  $n  http://127.0.0.1:$(http_port "$(index_of "$n")")/"; done
  say ""
  say "try:  demo/cluster.sh kill m3     # kill -9; watch m3 turn crashed/unreachable and its partitions change colour"
  say "      demo/cluster.sh add         # a new member joins; partitions migrate to it"
  say "      demo/cluster.sh load 10     # write for 10 s, then read every acknowledged write back"
  say "      demo/cluster.sh status | down"
}

require_member() {
  local name="$1"
  [[ -n "$name" ]] || die "which member? e.g. m2 (see demo/cluster.sh status)"
  index_of "$name" > /dev/null
  [[ -f "$RUN/$name.pid" ]] || die "$name was not started by this script (no run/$name.pid)"
  is_ours "$(pid_of "$name")" "$name" || die "$name (pid $(pid_of "$name")) is not running"
}

# ---- verbs ----

cmd_start() {
  local n="${1:-3}"
  [[ "$n" =~ ^[1-9][0-9]?$ ]] || die "start N: N must be 1..99 (was '$n')"
  [[ -z "$(running_names)" ]] || die "members are already running: $(running_names | tr '\n' ' ')- use 'add', or 'down' first"
  prepare
  rm -f "$RUN"/m*.pid
  local i names=()
  for ((i = 1; i <= n; i++)); do names+=("m$i"); done
  # m1 first, so that the others join it instead of forming clusters of their own and merging later
  launch m1
  probe wait --count 1 --timeout 60 --run "$RUN" $(targets m1) || die "m1 did not start (see run/m1.log)"
  for ((i = 2; i <= n; i++)); do launch "m$i"; done
  say "waiting until all $n members see each other..."
  probe wait --count "$n" --timeout 120 --run "$RUN" $(targets "${names[@]}") || die "the cluster did not form (see run/*.log)"
  if (( SAMPLE > 0 )); then
    say "loading $SAMPLE sample entries into map 'orders' over HTTP..."
    java $CLIENT_OPTS -cp "$CP" dev.tessera.demo.LoadClient fill --count "$SAMPLE" --members "$(member_urls)" \
        || say "warning: not every sample entry was written"
  fi
  print_urls
}

cmd_add() {
  local name="${1:-}"
  prepare
  if [[ -z "$name" ]]; then
    local max=0 k
    for k in $(known_names); do (( $(index_of "$k") > max )) && max="$(index_of "$k")"; done
    name="m$((max + 1))"
  fi
  launch "$name"
  local live; live="$(running_names | wc -l)"
  say "waiting until $name has joined ($live members)..."
  probe wait --count "$live" --timeout 120 --run "$RUN" $(targets "$name") || die "$name did not join (see run/$name.log)"
  say "$name joined: watch partitions migrate to it on http://127.0.0.1:$(http_port "$(index_of "$name")")/"
}

cmd_kill() {
  require_member "${1:-}"
  local pid; pid="$(pid_of "$1")"
  kill -9 "$pid"
  say "killed $1 (pid $pid) with SIGKILL. The others notice within a few seconds (failure detection), promote"
  say "backups to primaries and copy new backups. Watch it on another member's page:"
  local n
  for n in $(running_names); do say "  $n  http://127.0.0.1:$(http_port "$(index_of "$n")")/"; done
}

cmd_stop() {
  require_member "${1:-}"
  local pid; pid="$(pid_of "$1")"
  [[ "$(probe_state "$pid")" == paused ]] && kill -CONT "$pid"
  kill -TERM "$pid"
  say "stopping $1 (pid $pid) gracefully: it hands its partitions over, then leaves..."
  local t=0
  while kill -0 "$pid" 2>/dev/null && (( t < 1200 )); do sleep 0.1; t=$((t + 1)); done
  if kill -0 "$pid" 2>/dev/null; then say "$1 is still leaving after 120 s; see run/$1.log"; else say "$1 left after $((t / 10)).$((t % 10)) s"; fi
}

probe_state() {  # R/S/... or 'paused' from /proc
  local s; s="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [[ "$s" == T || "$s" == t ]] && echo paused || echo "$s"
}

cmd_pause() {
  require_member "${1:-}"
  kill -STOP "$(pid_of "$1")"
  say "paused $1 (SIGSTOP). Its page freezes; the others mark it 'not answering' at once and, after the failure-detection"
  say "timeout (3 s), remove it from the view and promote backups. 'demo/cluster.sh resume $1' lets it continue."
}

cmd_resume() {
  require_member "${1:-}"
  kill -CONT "$(pid_of "$1")"
  say "resumed $1 (SIGCONT); if it was removed meanwhile it rejoins (merge) and its page shows it."
}

cmd_load() {
  local secs="${1:-20}"
  [[ "$secs" =~ ^[1-9][0-9]*$ ]] || die "load [SECONDS]: a positive number (was '$secs')"
  local urls; urls="$(member_urls)"
  [[ -n "$urls" ]] || die "no member is running; start some with: demo/cluster.sh start 3"
  java $CLIENT_OPTS -cp "$CP" dev.tessera.demo.LoadClient load --seconds "$secs" --members "$urls"
}

cmd_status() {
  local names; names="$(known_names)"
  prom_is_ours && say "Prometheus: pid $(prom_pid), http://127.0.0.1:$PROM_PORT/alerts"
  if [[ -z "$names" ]]; then say "no members (start some with: demo/cluster.sh start 3)"; return; fi
  [[ -d "$RUN/lib" ]] || die "not built yet; run demo/cluster.sh start 3"
  # shellcheck disable=SC2046
  probe status $(targets $names)
}

cmd_down() {
  local n pid ended=()
  for n in $(known_names); do
    pid="$(pid_of "$n")"
    if is_ours "$pid" "$n"; then
      [[ "$(probe_state "$pid")" == paused ]] && kill -CONT "$pid"
      kill -TERM "$pid" 2>/dev/null || true
      ended+=("$n:$pid")
    fi
  done
  local t=0 e alive=1
  while (( alive && t < 200 )); do
    alive=0
    for e in "${ended[@]}"; do is_ours "${e#*:}" "${e%%:*}" && alive=1; done
    (( alive )) && { sleep 0.1; t=$((t + 1)); }
  done
  for e in "${ended[@]}"; do
    if is_ours "${e#*:}" "${e%%:*}"; then kill -9 "${e#*:}" 2>/dev/null || true; say "${e%%:*} (pid ${e#*:}) did not leave within 20 s: killed"; fi
  done
  rm -f "$RUN"/m*.pid
  stop_prometheus
  if (( ${#ended[@]} )); then say "ended ${ended[*]}; logs kept in run/"; else say "nothing running"; fi
}

# ---- Prometheus (Debian's package: apt-get install -y prometheus) ----

PROM_DIR="$RUN/prometheus"
PROM_PORT="${TESSERA_PROM_PORT:-9090}"

prom_pid() { [[ -f "$RUN/prometheus.pid" ]] && cat "$RUN/prometheus.pid" || true; }

prom_is_ours() {  # the Prometheus this script started with this run directory's config
  local pid; pid="$(prom_pid)"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  local cmd; cmd="$( { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null)" || return 1
  [[ "$cmd" == *"--config.file=$PROM_DIR/prometheus.yml "* ]]
}

write_targets() {  # every member with a pid file, dead or alive: a dead one shows as up == 0
  local n out=""
  for n in $(known_names); do
    out+="${out:+,}{\"targets\":[\"127.0.0.1:$(http_port "$(index_of "$n")")\"],\"labels\":{\"member\":\"$n\"}}"
  done
  printf '[%s]\n' "$out" > "$PROM_DIR/targets.json.tmp" && mv "$PROM_DIR/targets.json.tmp" "$PROM_DIR/targets.json"
}

cmd_prometheus() {
  local drill=0
  [[ "${1:-}" == --drill ]] && drill=1
  [[ $# -gt 0 && "${1:-}" != --drill ]] && die "prometheus [--drill] (was '$*')"
  command -v prometheus >/dev/null || die "prometheus not found: install Debian's package (apt-get install -y prometheus)"
  if prom_is_ours; then say "Prometheus already runs (pid $(prom_pid)): http://127.0.0.1:$PROM_PORT/alerts"; return; fi
  port_in_use "$PROM_PORT" && die "port $PROM_PORT is in use (another Prometheus?); set TESSERA_PROM_PORT"
  mkdir -p "$PROM_DIR"
  local rules="$ROOT/docs/monitoring/alerts.yml" interval=5s
  [[ -f "$rules" ]] || die "no rule file $rules"
  if (( drill )); then  # the same expressions; no waiting, so a drill shows each alert at once
    sed -E 's/^([[:space:]]*)for: .*/\1for: 0s/' "$rules" > "$PROM_DIR/alerts-drill.yml"
    rules="$PROM_DIR/alerts-drill.yml"; interval=500ms
  fi
  cat > "$PROM_DIR/prometheus.yml" <<YAML
# written by demo/cluster.sh prometheus$( (( drill )) && echo ' --drill')
global:
  scrape_interval: $interval
  scrape_timeout: $interval
  evaluation_interval: $interval
rule_files:
  - $rules
scrape_configs:
  - job_name: tessera
    honor_labels: true          # the members' own cluster and member tags
    metrics_path: /metrics
    file_sd_configs:
      - files: [ "$PROM_DIR/targets.json" ]   # rewritten by start/add
YAML
  write_targets
  if command -v promtool >/dev/null; then
    promtool check config "$PROM_DIR/prometheus.yml" > "$PROM_DIR/check.log" 2>&1 || { cat "$PROM_DIR/check.log" >&2; die "promtool rejected the configuration"; }
  fi
  : > "$RUN/prometheus.log"
  setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$RUN/prometheus.pid" \
      prometheus "--config.file=$PROM_DIR/prometheus.yml" "--storage.tsdb.path=$PROM_DIR/data" \
      "--storage.tsdb.retention.time=1d" "--web.listen-address=127.0.0.1:$PROM_PORT" \
      < /dev/null >> "$RUN/prometheus.log" 2>&1 &
  local t=0
  while ! port_in_use "$PROM_PORT" && (( t < 300 )); do
    sleep 0.1; t=$((t + 1))
    [[ -s "$RUN/prometheus.pid" ]] && ! kill -0 "$(prom_pid)" 2>/dev/null && die "Prometheus exited (see $RUN/prometheus.log)"
  done
  port_in_use "$PROM_PORT" || die "Prometheus did not listen on 127.0.0.1:$PROM_PORT within 30 s (see $RUN/prometheus.log)"
  say "Prometheus (pid $(prom_pid)) scrapes $(known_names | wc -l) members every $interval with $(basename "$rules") loaded:"
  say "  http://127.0.0.1:$PROM_PORT/alerts    http://127.0.0.1:$PROM_PORT/targets    log: $RUN/prometheus.log"
}

stop_prometheus() {
  prom_is_ours || return 0
  local pid; pid="$(prom_pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local t=0
  while kill -0 "$pid" 2>/dev/null && (( t < 100 )); do sleep 0.1; t=$((t + 1)); done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  rm -f "$RUN/prometheus.pid"
  say "ended Prometheus (pid $pid)"
}

verb="${1:-}"
[[ $# -gt 0 ]] && shift
case "$verb" in
  start) cmd_start "$@" ;;
  add) cmd_add "$@" ;;
  kill) cmd_kill "$@" ;;
  stop) cmd_stop "$@" ;;
  pause) cmd_pause "$@" ;;
  resume) cmd_resume "$@" ;;
  load) cmd_load "$@" ;;
  status) cmd_status "$@" ;;
  down) cmd_down "$@" ;;
  prometheus) cmd_prometheus "$@" ;;
  ""|-h|--help|help) usage 0 ;;
  *) say "unknown verb '$verb'"; usage 2 ;;
esac
