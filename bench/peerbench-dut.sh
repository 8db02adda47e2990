#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/peerbench-dut.sh - run vtepd as the device under test of an external
# harness that starts a DPDK application with "EAL arguments + two vdevs"
# (port 0 the access side, port 1 the underlay), such as the team's
# shared/peerbench/run.sh:
#
#   run.sh --dut vtepd '/path/to/bench/peerbench-dut.sh {ACCESS_VDEV} {UNDERLAY_VDEV} {EAL}'
#
# The vdevs are created by EAL (--vdev in {EAL}); vtepd's configuration
# names them, so its ports open the existing devices. The gateway is the
# harness's VTEP: 198.18.0.1, VNI 5001, remote 198.18.0.2 at
# 02:00:00:00:01:02 (static neighbour), the traffic's destination
# 02:00:00:00:02:01 behind it. FILL static entries (default 200,000, a
# configuration file holds about 250,000) make the FDB realistic; the
# harness has no step to fill it further through learning, as
# bench/gateway.sh does.
set -eu
acc=${1%%,*}
und=${2%%,*}
shift 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${BUILD:-$here/../build}
cfg=${TMPDIR:-/tmp}/vtepd-peerbench-$(id -u).json
/usr/bin/python3 - "$cfg" "$acc" "$und" "${FILL:-200000}" <<'PY'
import json, sys
path, acc, und, fill = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
fdb = [{"vni": 5001, "mac": "02:00:00:00:02:01", "vtep": "198.18.0.2"}]
fdb += [{"vni": 5001, "mac": "02:0f:%02x:%02x:%02x:%02x" % (i >> 24 & 255, i >> 16 & 255,
                                                           i >> 8 & 255, i & 255),
         "vtep": "198.18.0.2"} for i in range(fill)]
cfg = {
    "gateway": {"name": "peerbench", "vtep_ip": "198.18.0.1"},
    "ports": [
        {"name": "access0", "role": "access", "device": acc},
        {"name": "underlay0", "role": "underlay", "device": und, "ip": "198.18.0.1/24",
         "mac": "02:00:00:00:01:01",
         "neighbors": [{"ip": "198.18.0.2", "mac": "02:00:00:00:01:02"}]},
    ],
    "tenants": [{"name": "bench", "segments": [
        {"name": "traffic", "vni": 5001, "port": "access0", "vlan": "untagged"}]}],
    "fdb": fdb,
    "limits": {"fdb_max": 1048576},
    "dataplane": {"nb_mbufs": 262144, "idle_backoff": False},
    "control": {"socket": path + ".sock"},
    "telemetry": {"prometheus": False},
    "log": {"level": "warning"},
}
with open(path, "w") as f:
    json.dump(cfg, f, separators=(",", ":"))
PY
exec "$build/control/vtepd" "$@" -- --config "$cfg"
