#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs examples/orders-medallion end to end on the embedded local
# runtime (Spark + Iceberg): stage wave 1, run, stage wave 2, run. Starts from a clean demo home.
set -euo pipefail
cd "$(dirname "$0")/.."
CONTRACTFORGE_SKIP_CHECKOV=${CONTRACTFORGE_SKIP_CHECKOV:-1} bash scripts/setup.sh
HOME_DIR=.contractforge/demo
S3_ROOT=$HOME_DIR/s3
PROJECT=examples/orders-medallion
LANDING=s3://orders-medallion-lake-us-east-1/landing/orders/
rm -rf "$HOME_DIR"
for wave in wave1 wave2; do
  echo "== $wave: stage $PROJECT/data/orders/$wave → $LANDING$wave/"
  contractforge local put "$PROJECT/data/orders/$wave" "$LANDING$wave/" --s3-root "$S3_ROOT" >/dev/null
  echo "== $wave: contractforge run $PROJECT --local"
  contractforge run "$PROJECT" --local --home "$HOME_DIR" --s3-root "$S3_ROOT"
done
