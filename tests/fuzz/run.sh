#!/bin/sh
# Runs one libFuzzer harness for a set time: run.sh BINARY SEEDS WORKDIR SECONDS [OPTIONS...]
# New inputs go to WORKDIR/corpus (the committed seeds in SEEDS are only read),
# a crash to WORKDIR/crash-*; the exit status is non-zero on any crash.
set -eu
bin=$1 seeds=$2 work=$3 secs=$4
shift 4
mkdir -p "$work/corpus"
exec "$bin" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$work/" \
    "$@" "$work/corpus" "$seeds"
