#!/usr/bin/env bash
# Tessera vs Hazelcast 5.6.0 and 5.7.0, Infinispan 16.0.3 and the raw JGroups floor on the workload of shared/bench/WORKLOAD.md, then the JMH microbenchmarks.
#
#   benchmarks/run.sh                full run (~15 min per two stores on 2 cores; six by default): 2 repetitions A B A B, results in
#                                    benchmarks/target/results.json|csv, JMH in target/jmh.json
#   benchmarks/run.sh --quick        < 3 min smoke run: 10,000 keys, 1 s + 2 s windows, 50,000 entries for
#                                    memory/rebalance, 1 repetition -- NOT comparable with the reference figures
#   benchmarks/run.sh --no-jmh ...   skip the JMH part;  --jmh-only: only JMH
#   Other options go to the orchestrator: --only=W1,W2,W3,W4,CHM,memory,rebalance,hotkey
#   --stores=tessera,tessera-rfb,hazelcast,hazelcast57,infinispan,jgroups-raw (the default; also tessera-secret, tessera-tls)
#   --reps=N --jfr (JFR of every member JVM over the measured window, files next to the logs;
#   summarize one with: java -cp "benchmarks/target/lib/*:benchmarks/target/classes" dev.tessera.bench.JfrTop FILE.jfr)
#   --skip-build: use the jars already in benchmarks/target
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0; JMH=1; BENCH=1; BUILD=1; ARGS=()
for a in "$@"; do
  case "$a" in
    --quick) QUICK=1; ARGS+=("$a") ;;
    --no-jmh) JMH=0 ;;
    --jmh-only) BENCH=0 ;;
    --skip-build) BUILD=0 ;;
    *) ARGS+=("$a") ;;
  esac
done
# package, not install: the reactor hands grid-core's jar to the benchmarks; the anchors collect the class paths of
# the peers that cannot share benchmarks/target/lib (Hazelcast 5.7.0, Infinispan 16 with its own JGroups)
if [ "$BUILD" = 1 ]; then
  mvn -B -q -Pbench package -DskipTests -pl benchmarks,benchmarks/anchors/hazelcast57,benchmarks/anchors/infinispan -am
fi
# which Tessera is measured: the commit, and whether the core modules had uncommitted changes
GIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git diff --quiet HEAD -- grid-api grid-membership grid-core 2>/dev/null || GIT="$GIT + uncommitted changes in the core modules"
cd benchmarks
CP="target/benchmarks-0.1.0-SNAPSHOT.jar:target/lib/*"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
STATUS=0
if [ "$BENCH" = 1 ]; then
  java -Xmx256m -Dbench.git="$GIT" -cp "$CP" dev.tessera.bench.Bench run "${ARGS[@]}" || STATUS=$?
fi
if [ "$JMH" = 1 ]; then
  if [ "$QUICK" = 1 ]; then
    # a smoke subset with tiny windows: NOT comparable
    JOPTS=(-f 1 -wi 1 -w 300ms -i 1 -r 500ms); JSEL='LocalGetBench|PartitionBench.serializeAndPartition|KryoBench.roundTrip|NearCacheBench'
  else
    JOPTS=(-f 1 -wi 3 -w 1s -i 3 -r 1s -prof gc); JSEL='dev.tessera.bench.jmh.*'
  fi
  echo "== JMH microbenchmarks (dev.tessera.bench.jmh), $(cut -d' ' -f1-3 /proc/loadavg) load =="
  java -cp "$CP" org.openjdk.jmh.Main "${JOPTS[@]}" -rf json -rff target/jmh.json "$JSEL" \
    | grep -E '^(Benchmark|[A-Za-z]+Bench\.[A-Za-z]+(:gc.alloc.rate.norm)? )' || STATUS=$?
fi
echo "machine load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $STATUS
