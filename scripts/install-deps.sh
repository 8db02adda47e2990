#!/usr/bin/env bash
# Install every Debian package vtepd's build, tests, demo and benchmarks
# need. Idempotent and quiet when everything is already there.
#   scripts/install-deps.sh            build + test + demo packages
#   scripts/install-deps.sh --bench    also Open vSwitch with DPDK (bench peer)
set -euo pipefail

pkgs=(
	# build
	gcc clang meson ninja-build pkg-config
	dpdk dpdk-dev libdpdk-dev
	libjansson-dev libcurl4-openssl-dev libxml2-dev libssl-dev
	libcmocka-dev libpcap-dev libbsd-dev libnuma-dev
	# sanitizers and fuzzing with clang; the leak suite
	libclang-rt-14-dev valgrind
	# the house style (.clang-format): make format, the lint suite
	clang-format-14
	# tests, demo
	python3 python3-scapy tshark iproute2 iputils-ping tcpdump
	netcat-openbsd openssl procps ethtool curl
)
if [[ "${1:-}" == "--bench" ]]; then
	pkgs+=(openvswitch-switch-dpdk linux-perf)
fi

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
	command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) for apt-get" >&2; exit 1; }
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# Do not let apt start services (e.g. openvswitch-switch) on a test box.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
	printf '#!/bin/sh\nexit 101\n' | $sudo tee $policy >/dev/null
	$sudo chmod +x $policy
	made_policy=1
fi
# An if, not `[[ ]] && rm`: an EXIT trap's last status becomes the script's
# exit status, and a machine that already has a policy-rc.d (made_policy=0)
# must not make a successful install look failed.
cleanup() {
	if [[ $made_policy -eq 1 ]]; then
		$sudo rm -f $policy
	fi
}
trap cleanup EXIT
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
