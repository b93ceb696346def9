#!/usr/bin/env bash
# Builds Tessera (skipping tests) and runs the in-JVM demo: 3 members, 10,000 writes, one member
# killed without a goodbye, every entry read back from the survivors.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests -pl demo -am
exec java -cp "demo/target/demo-0.1.0-SNAPSHOT.jar:demo/target/lib/*" dev.tessera.demo.SurviveKillDemo "$@"
