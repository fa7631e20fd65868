#!/usr/bin/env bash
# The check step of the goslim GitHub Action (action.yml): `goslim rewrite --check` over
# GOSLIM_PATHS, its findings written as SARIF to GOSLIM_SARIF. It exits 0 whatever goslim
# found, so that the report is uploaded in any case; goslim's own exit status goes to the
# step output `exit-code`, on which the action's last step passes or fails the job.
set -uo pipefail

read -ra paths <<<"${GOSLIM_PATHS:-.}"
((${#paths[@]})) || paths=(.)
sarif=${GOSLIM_SARIF:-goslim.sarif}

goslim rewrite --check --format sarif "${paths[@]}" >"$sarif"
code=$?
echo "exit-code=$code" >>"${GITHUB_OUTPUT:-/dev/null}"

case $code in
0) echo "goslim: every Dockerfile in ${paths[*]} is already slim" ;;
1) echo "::warning::goslim: some Dockerfiles can be rewritten into FROM scratch builds (see $sarif, or run goslim rewrite ${paths[*]})" ;;
*) echo "::error::goslim: exit status $code: a Dockerfile could not be read or parsed (see $sarif)" ;;
esac
exit 0
