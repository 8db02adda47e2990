/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_config_cases.c - invalid configurations, each with the exact error
 * lines the loader must print. Snippets use ' for " and replace top-level
 * keys of cfgt_base (gateway gw1 on 192.0.2.1, ports access0 and
 * underlay0 = 192.0.2.1/24 without next hop).
 *
 * Order of the lines: parse errors in file order first, then the checks
 * across objects (ports, tenants, fdb, sites, hosts, managers, VTEPs).
 */
#include <stddef.h>

#include "cfg_test.h"

/* Tenant t0 holding the segments given. */
#define TENANT(segs) "{'tenants': [{'name': 't0', 'segments': [" segs "]}]}"
/* Segment s<vni> on access0; more keys after the VLAN: ", 'k': v". */
#define SEG(vni, vlan, ...)                                                                        \
	"{'name': 's" #vni "', 'vni': " #vni ", 'port': 'access0', 'vlan': " #vlan __VA_ARGS__ "}"
#define SEGP "tenants[0].segments[0]"
/* The base ports, the underlay with a next hop. */
#define PORTS_NH                                                                                   \
	"'ports': [{'name': 'access0', 'role': 'access', 'device': '0000:03:00.0'},"               \
	" {'name': 'underlay0', 'role': 'underlay', 'device': '0000:03:00.1',"                     \
	" 'ip': '192.0.2.1/24', 'next_hop': '192.0.2.254'}]"
#define ACCESS(name, dev) "{'name': '" name "', 'role': 'access', 'device': '" dev "'}"
#define UNDERLAY(name, dev, ip)                                                                    \
	"{'name': '" name "', 'role': 'underlay', 'device': '" dev "', 'ip': '" ip "'}"
/* Manager vc1 with a password file; more keys: ", 'k': v". */
#define VC(...)                                                                                    \
	"{'managers': [{'type': 'vcenter', 'name': 'vc1', 'url': 'https://vc1.example/sdk',"       \
	" 'username': 'svc', 'password_file': '/etc/vtepd/vc1.secret'" __VA_ARGS__ "}]}"
#define XEN(...)                                                                                   \
	"{'managers': [{'type': 'xenapi', 'name': 'pool1', 'url': 'https://xen1.example',"         \
	" 'username': 'root', 'password_env': 'POOL1_PW'" __VA_ARGS__ "}]}"
#define X16 "xxxxxxxxxxxxxxxx"
#define X64 X16 X16 X16 X16
/* UTF-8: a 2-byte and a 3-byte character. */
#define EA    "\xc3\xa9"
#define EA8   EA EA EA EA EA EA EA EA
#define EA47  EA8 EA8 EA8 EA8 EA8 EA EA EA EA EA EA EA
#define EUR   "\xe2\x82\xac"
#define EUR8  EUR EUR EUR EUR EUR EUR EUR EUR
#define EUR31 EUR8 EUR8 EUR8 EUR EUR EUR EUR EUR EUR EUR

const struct cfgt_case cfgt_cases[] = {
        /* Unknown keys, at every depth: a typo must not switch a feature off. */
        {"unknown top-level key", "{'foo': 1}", .errors = {E("foo: unknown key")}},
        {"unknown gateway key",
         "{'gateway': {'name': 'gw1', 'vtep_ip': '192.0.2.1', 'udpport': 4789}}",
         .errors = {E("gateway.udpport: unknown key")}},
        {"unknown port key",
         "{'ports': [{'name': 'access0', 'role': 'access', 'device': 'd0', 'speed': 10},"
         " " UNDERLAY("underlay0", "d1", "192.0.2.1/24") "]}",
         .errors = {E("ports[0].speed: unknown key")}},
        {"unknown segment key (typo)",
         TENANT(SEG(5001, 100) ", {'name': 's2', 'vnii': 5002,"
                               " 'port': 'access0', 'vlan': 101}"),
         .errors = {E("tenants[0].segments[1].vnii: unknown key"),
                    E("tenants[0].segments[1].vni: missing required key")}},
        {"unknown tenant key", "{'tenants': [{'name': 't0', 'segments': [], 'owner': 'x'}]}",
         .errors = {E("tenants[0].owner: unknown key")}},
        {"unknown manager key", VC(", 'datacenter': 'dc1'"),
         .errors = {E("managers[0].datacenter: unknown key")}},
        {"unknown keys in small sections",
         "{'limits': {'fdb_size': 1}, 'dataplane': {'cores': [1]}, 'control': {'sock': '/x'},"
         " 'telemetry': {'port': 1}, 'log': {'file': '/x'}}",
         .errors = {E("limits.fdb_size: unknown key"), E("dataplane.cores: unknown key"),
                    E("control.sock: unknown key"), E("telemetry.port: unknown key"),
                    E("log.file: unknown key")}},
        {"unknown key with a control character",
         "{\"a\\nb\": 1, \"gateway\": {\"name\": \"gw1\","
         " \"vtep_ip\": \"192.0.2.1\"}, \"ports\": []}",
         .raw = true,
         .errors = {E("a\\x0ab: unknown key"), E("ports: no underlay port (exactly one is needed)"),
                    E("ports: no access port (at least one is needed)")}},

        /* Wrong JSON types. */
        {"top level is not an object", "[1, 2]", .raw = true, .errors = {E("expected an object")}},
        {"gateway is not an object", "{'gateway': []}",
         .errors = {E("gateway: expected an object")}},
        {"ports is not an array", "{'ports': {}}", .errors = {E("ports: expected an array")}},
        {"port is not an object", "{'ports': ['access0']}",
         .errors = {E("ports[0]: expected an object")}},
        {"vni is a string", TENANT("{'name': 's', 'vni': '5001', 'port': 'access0', 'vlan': 1}"),
         .errors = {E(SEGP ".vni: expected an integer")}},
        {"vni is a real", TENANT("{'name': 's', 'vni': 5001.0, 'port': 'access0', 'vlan': 1}"),
         .errors = {E(SEGP ".vni: expected an integer")}},
        {"ttl is null", "{'gateway': {'name': 'gw1', 'vtep_ip': '192.0.2.1', 'ttl': null}}",
         .errors = {E("gateway.ttl: expected an integer")}},
        {"name is a number", "{'gateway': {'name': 7, 'vtep_ip': '192.0.2.1'}}",
         .errors = {E("gateway.name: expected a string")}},
        {"flood is not an array", TENANT(SEG(5001, 100, ", 'flood': '192.0.2.10'")),
         .errors = {E(SEGP ".flood: expected an array")}},
        {"flood entry is not a string", TENANT(SEG(5001, 100, ", 'flood': [3221225994]")),
         .errors = {E(SEGP ".flood[0]: expected a string")}},
        {"boolean is a string", "{'telemetry': {'prometheus': 'yes'}}",
         .errors = {E("telemetry.prometheus: expected a boolean")}},
        {"vlan is a boolean", TENANT(SEG(5001, true)),
         .errors = {E(SEGP ".vlan: expected an integer or \"untagged\"")}},
        {"vlan is another string", TENANT(SEG(5001, 'tagged')),
         .errors = {E(SEGP ".vlan: \"tagged\" is not a VLAN: expected 1..4094 or \"untagged\"")}},
        {"segment is not an object", TENANT("5001"), .errors = {E(SEGP ": expected an object")}},

        /* Missing required keys. */
        {"no gateway", "{'gateway': null}", .errors = {E("gateway: missing required key")}},
        {"no ports", "{'ports': null}", .errors = {E("ports: missing required key")}},
        {"no vtep_ip", "{'gateway': {'name': 'gw1'}}",
         .errors = {E("gateway.vtep_ip: missing required key")}},
        {"port without role and device",
         "{'ports': [{'name': 'access0'}, " UNDERLAY("underlay0", "d1", "192.0.2.1/24") "]}",
         .errors = {E("ports[0].role: missing required key"),
                    E("ports[0].device: missing required key")}},
        {"underlay without ip",
         "{'ports': [" ACCESS("access0", "d0") ", {'name': 'u0', 'role': 'underlay', "
                                               "'device': 'd1'}]}",
         .errors = {E("ports[1].ip: missing required key")}},
        {"empty segment", TENANT("{}"),
         .errors = {E(SEGP ".name: missing required key"), E(SEGP ".vni: missing required key"),
                    E(SEGP ".port: missing required key"), E(SEGP ".vlan: missing required key")}},
        {"tenant without segments", "{'tenants': [{'name': 't0'}]}",
         .errors = {E("tenants[0].segments: missing required key")}},
        {"manager without url and username",
         "{'managers': [{'type': 'vcenter', 'name': 'vc1', 'password_env': 'PW'}]}",
         .errors = {E("managers[0].url: missing required key"),
                    E("managers[0].username: missing required key")}},

        /* Ranges. */
        {"VNI 0", TENANT(SEG(0, 100)), .errors = {E(SEGP ".vni: 0 is out of range 1..16777215")}},
        {"VNI 16777216", TENANT(SEG(16777216, 100)),
         .errors = {E(SEGP ".vni: 16777216 is out of range 1..16777215")}},
        {"VNI negative", TENANT(SEG(-1, 100)),
         .errors = {E(SEGP ".vni: -1 is out of range 1..16777215")}},
        {"VLAN 0 and 4095", TENANT(SEG(5001, 0) ", " SEG(5002, 4095)),
         .errors = {E(SEGP ".vlan: 0 is out of range 1..4094"),
                    E("tenants[0].segments[1].vlan: 4095 is out of range 1..4094")}},
        {"gateway ranges",
         "{'gateway': {'name': 'gw1', 'vtep_ip': '192.0.2.1', 'udp_port': 65536, 'ttl': 0,"
         " 'tos': 256}}",
         .errors = {E("gateway.udp_port: 65536 is out of range 1..65535"),
                    E("gateway.ttl: 0 is out of range 1..255"),
                    E("gateway.tos: 256 is out of range 0..255")}},
        {"port ranges",
         "{'ports': [{'name': 'access0', 'role': 'access', 'device': 'd0', 'mtu': 1279,"
         " 'rx_desc': 32, 'tx_desc': 1000}, "
         "{'name': 'u0', 'role': 'underlay', 'device': 'd1', 'ip': '192.0.2.1/24', 'mtu': 9217,"
         " 'rx_desc': 65536}]}",
         .errors = {E("ports[0].mtu: 1279 is out of range 1280..9216"),
                    E("ports[0].rx_desc: 32 is out of range 64..32768"),
                    E("ports[0].tx_desc: 1000 is not a power of two"),
                    E("ports[1].mtu: 9217 is out of range 1280..9216"),
                    E("ports[1].rx_desc: 65536 is out of range 64..32768")}},
        {"segment ranges",
         TENANT(SEG(5001, 100,
                    ", 'ageing_s': 9, 'mac_limit': 16777217,"
                    " 'flood_rate_pps': 100000001")),
         .errors = {E(SEGP ".ageing_s: 9 is out of range 10..1000000"),
                    E(SEGP ".mac_limit: 16777217 is out of range 0..16777216"),
                    E(SEGP ".flood_rate_pps: 100000001 is out of range 0..100000000")}},
        {"limits ranges",
         "{'limits': {'fdb_max': 0, 'vteps_max': 65536, 'segments_max': 0,"
         " 'ageing_s': 1000001}}",
         .errors = {E("limits.fdb_max: 0 is out of range 1..16777216"),
                    E("limits.vteps_max: 65536 is out of range 1..65535"),
                    E("limits.segments_max: 0 is out of range 1..65535"),
                    E("limits.ageing_s: 1000001 is out of range 10..1000000")}},
        {"dataplane ranges", "{'dataplane': {'nb_mbufs': 512, 'idle_max_us': 0}}",
         .errors = {E("dataplane.nb_mbufs: 512 is out of range 1024..16777216, or 0"),
                    E("dataplane.idle_max_us: 0 is out of range 1..1000")}},
        {"manager ranges",
         VC(", 'timeout_s': 0, 'wait_s': 3601, 'backoff_min_ms': 5,"
            " 'backoff_max_ms': 3600001, 'flush_after_s': 31536001"),
         .errors = {E("managers[0].timeout_s: 0 is out of range 1..3600"),
                    E("managers[0].wait_s: 3601 is out of range 1..3600"),
                    E("managers[0].backoff_min_ms: 5 is out of range 10..600000"),
                    E("managers[0].backoff_max_ms: 3600001 is out of range 10..3600000"),
                    E("managers[0].flush_after_s: 31536001 is out of range 0..31536000")}},
        {"backoff_max_ms below backoff_min_ms",
         VC(", 'backoff_min_ms': 5000, 'backoff_max_ms': 1000"),
         .errors = {E("managers[0].backoff_max_ms: 1000 is less than backoff_min_ms (5000)")}},

        /* Strings: syntax and length limits. */
        {"name with a space", "{'gateway': {'name': 'gw 1', 'vtep_ip': '192.0.2.1'}}",
         .errors = {E("gateway.name: \"gw 1\" has characters other than A-Z a-z 0-9 . _ -")}},
        {"empty name", "{'gateway': {'name': '', 'vtep_ip': '192.0.2.1'}}",
         .errors = {E("gateway.name: must not be empty")}},
        {"name of 64 bytes", "{'gateway': {'name': '" X64 "', 'vtep_ip': '192.0.2.1'}}",
         .errors = {E("gateway.name: \"" X64 "\" is longer than 63 bytes")}},
        {"device of 256 bytes",
         "{'ports': [" ACCESS("access0", X64 X64 X64 X64) ", " UNDERLAY("u0", "d1",
                                                                        "192.0.2.1/24") "]}",
         .errors = {E("ports[0].device: \"" X64 X16
                      "xxxxxxxxxxxxxx...\" is longer than 255 bytes")}},
        {"quote in a value", "{'gateway': {'name': 'gw\\\"1', 'vtep_ip': '192.0.2.1'}}",
         .errors = {E("gateway.name: \"gw\\\"1\" has characters other than A-Z a-z 0-9 . _ -")}},
        /* Long values are cut in messages, never inside a UTF-8 character. */
        {"long UTF-8 value cut between characters",
         TENANT(SEG(5001, 100, ", 'networks': ['" EA47 EA47 EA47 "']")),
         .errors = {E(SEGP ".networks[0]: \"" EA47 "...\" is longer than 255 bytes")}},
        {"long UTF-8 value cut inside a character",
         "{'ports': [" ACCESS("access0", EUR31 EUR31 EUR31 EUR) ", " UNDERLAY("u0", "d1",
                                                                              "192.0.2.1/24") "]}",
         .errors = {E("ports[0].device: \"" EUR31 "...\" is longer than 255 bytes")}},
        {"network with a control character", TENANT(SEG(5001, 100, ", 'networks': ['a\\u0001b']")),
         .errors = {E(SEGP ".networks[0]: \"a\\x01b\" has a control character")}},
        {"role not known",
         "{'ports': [{'name': 'access0', 'role': 'trunk', 'device': 'd0'}, " UNDERLAY(
                 "u0", "d1", "192.0.2.1/24") "]}",
         .errors = {E("ports[0].role: \"trunk\" is not one of access, underlay")}},
        {"manager type not known",
         "{'managers': [{'type': 'vmware', 'name': 'vc1', 'url': 'https://vc1.example',"
         " 'username': 'svc', 'password_env': 'PW'}]}",
         .errors = {E("managers[0].type: \"vmware\" is not one of vcenter, xenapi")}},
        {"log level not known", "{'log': {'level': 'verbose'}}",
         .errors = {E("log.level: \"verbose\" is not one of error, warning, info, debug")}},
        {"relative password_file", VC(", 'ca_file': 'ca.pem'"),
         .errors = {E("managers[0].ca_file: \"ca.pem\" is not an absolute path")}},
        {"password_env not a variable name",
         "{'managers': [{'type': 'xenapi', 'name': 'pool1', 'url': 'https://xen1.example',"
         " 'username': 'root', 'password_env': '1PW'}]}",
         .errors = {E("managers[0].password_env: \"1PW\" is not an environment variable name "
                      "([A-Za-z_][A-Za-z0-9_]*)")}},
        {"bad fingerprint", VC(", 'fingerprint': 'ab:cd:ef'"),
         .errors = {E("managers[0].fingerprint: \"ab:cd:ef\" is not a SHA-256 fingerprint (64 hex "
                      "digits, pairs may be separated by colons)")}},
        {"bad pool_uuid", XEN(", 'pool_uuid': '6f1c2d3e-4a5b-4c6d-8e7f'"),
         .errors = {E("managers[0].pool_uuid: \"6f1c2d3e-4a5b-4c6d-8e7f\" is not a UUID "
                      "(8-4-4-4-12 hex digits)")}},
        {"url not https",
         "{'managers': [{'type': 'vcenter', 'name': 'vc1', 'url': 'ftp://vc1.example/sdk',"
         " 'username': 'svc', 'password_env': 'PW'}]}",
         .errors = {E("managers[0].url: \"ftp://vc1.example/sdk\" is not an https:// URL")}},
        {"url with a space",
         "{'managers': [{'type': 'vcenter', 'name': 'vc1', 'url': 'https://vc 1.example',"
         " 'username': 'svc', 'password_env': 'PW'}]}",
         .errors = {E("managers[0].url: \"https://vc 1.example\" is not an https:// URL")}},
        {"http without insecure",
         "{'managers': [{'type': 'vcenter', 'name': 'vc1', 'url': 'http://vc1.example/sdk',"
         " 'username': 'svc', 'password_env': 'PW'}]}",
         .errors = {E("managers[0].url: \"http://vc1.example/sdk\" is plain http, allowed only "
                      "with \"insecure\": true")}},
        {"http member without insecure", XEN(", 'members': ['http://xen2.example']"),
         .errors = {E("managers[0].members[0]: \"http://xen2.example\" is plain http, allowed "
                      "only with \"insecure\": true")}},
        {"socket path relative", "{'control': {'socket': 'vtepd.sock'}}",
         .errors = {E("control.socket: \"vtepd.sock\" is not an absolute path")}},
        {"socket path longer than sun_path", "{'control': {'socket': '/" X64 X64 "'}}",
         .errors = {E("control.socket: \"/" X64
                      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\" is longer than 107 "
                      "bytes")}},
        {"socket_mode for others", "{'control': {'socket_mode': '0666'}}",
         .errors = {E("control.socket_mode: \"0666\" gives access to others (mode & 0007 must be "
                      "0)")}},
        {"socket_mode not octal", "{'control': {'socket_mode': 'rw-rw----'}}",
         .errors = {E("control.socket_mode: \"rw-rw----\" is not an octal mode like \"0660\"")}},
        {"socket_group with a colon", "{'control': {'socket_group': 'a:b'}}",
         .errors = {E("control.socket_group: \"a:b\" is not a group name")}},
        {"listen not address:port", "{'telemetry': {'listen': 'localhost:9469'}}",
         .errors = {E("telemetry.listen: \"localhost:9469\" is not an address:port like "
                      "\"127.0.0.1:9469\"")}},
        {"listen without a port", "{'telemetry': {'listen': '127.0.0.1'}}",
         .errors = {E("telemetry.listen: \"127.0.0.1\" is not an address:port like "
                      "\"127.0.0.1:9469\"")}},
        {"listen port 0", "{'telemetry': {'listen': '127.0.0.1:0'}}",
         .errors = {E("telemetry.listen: \"127.0.0.1:0\" is not an address:port like "
                      "\"127.0.0.1:9469\"")}},
        {"listen on a multicast address", "{'telemetry': {'listen': '239.0.0.1:9469'}}",
         .errors = {E("telemetry.listen: \"239.0.0.1:9469\" is not a unicast address "
                      "(multicast)")}},

        /* Addresses. */
        {"vtep_ip not an address", "{'gateway': {'name': 'gw1', 'vtep_ip': '10.0.0.300'}}",
         .errors = {E("gateway.vtep_ip: \"10.0.0.300\" is not an IPv4 address")}},
        {"vtep_ip 0.0.0.0", "{'gateway': {'name': 'gw1', 'vtep_ip': '0.0.0.0'}}",
         .errors = {E("gateway.vtep_ip: \"0.0.0.0\" is not a unicast address (unspecified)")}},
        {"vtep_ip multicast", "{'gateway': {'name': 'gw1', 'vtep_ip': '239.1.1.1'}}",
         .errors = {E("gateway.vtep_ip: \"239.1.1.1\" is not a unicast address (multicast)")}},
        {"vtep_ip broadcast", "{'gateway': {'name': 'gw1', 'vtep_ip': '255.255.255.255'}}",
         .errors = {E(
                 "gateway.vtep_ip: \"255.255.255.255\" is not a unicast address (broadcast)")}},
        {"reserved and this-network VTEPs",
         TENANT(SEG(5001, 100, ", 'flood': ['240.0.0.1', '0.1.2.3']")),
         .errors = {E(SEGP ".flood[0]: \"240.0.0.1\" is not a unicast address (reserved)"),
                    E(SEGP ".flood[1]: \"0.1.2.3\" is not a unicast address (0.0.0.0/8)")}},
        {"port prefix not unicast",
         "{'ports': [" ACCESS("access0", "d0") ", " UNDERLAY("u0", "d1", "224.0.0.1/24") "]}",
         .errors = {E("ports[1].ip: \"224.0.0.1/24\" is not a unicast address (multicast)")}},
        {"vtep_ip loopback", "{'gateway': {'name': 'gw1', 'vtep_ip': '127.0.0.1'}}",
         .errors = {E("gateway.vtep_ip: \"127.0.0.1\" is not a unicast address (loopback)")}},
        {"port ip without prefix length",
         "{'ports': [" ACCESS("access0", "d0") ", " UNDERLAY("u0", "d1", "192.0.2.1") "]}",
         .errors = {E("ports[1].ip: \"192.0.2.1\" is not an IPv4 prefix like \"192.0.2.1/24\" "
                      "(length 1..32)")}},
        {"port ip prefix /33 and /0",
         "{'ports': [" ACCESS("access0", "d0") ", " UNDERLAY(
                 "u0", "d1", "192.0.2.1/33") ", " UNDERLAY("u1", "d2", "192.0.2.1/0") "]}",
         .errors = {E("ports[1].ip: \"192.0.2.1/33\" is not an IPv4 prefix like \"192.0.2.1/24\" "
                      "(length 1..32)"),
                    E("ports[2].ip: \"192.0.2.1/0\" is not an IPv4 prefix like \"192.0.2.1/24\" "
                      "(length 1..32)"),
                    E("ports: 2 underlay ports, exactly one is supported")}},
        {"port ip is a network or broadcast address",
         "{'ports': [" ACCESS("access0", "d0") ", " UNDERLAY(
                 "u0", "d1", "192.0.2.0/24") ", " UNDERLAY("u1", "d2", "192.0.2.255/24") "]}",
         .errors = {E("ports[1].ip: \"192.0.2.0/24\" is the network address of its prefix, not a "
                      "host address"),
                    E("ports[2].ip: \"192.0.2.255/24\" is the broadcast address of its prefix, "
                      "not a host address"),
                    E("ports: 2 underlay ports, exactly one is supported")}},
        {"next_hop outside the prefix",
         "{'ports': [" ACCESS("access0",
                              "d0") ", {'name': 'u0', 'role': 'underlay', 'device': 'd1',"
                                    " 'ip': '192.0.2.1/24', 'next_hop': '198.51.100.254'}]}",
         .errors = {E("ports[1].next_hop: \"198.51.100.254\" is outside the underlay prefix "
                      "192.0.2.0/24")}},
        {"next_hop is the port itself",
         "{'ports': [" ACCESS("access0",
                              "d0") ", {'name': 'u0', 'role': 'underlay', 'device': 'd1',"
                                    " 'ip': '192.0.2.1/24', 'next_hop': '192.0.2.1'}]}",
         .errors = {E("ports[1].next_hop: \"192.0.2.1\" is the port's own address")}},
        {"static neighbors: outside the prefix, the port itself, twice, multicast MAC",
         "{'ports': [" ACCESS("access0", "d0") ", {'name': 'u0', 'role': 'underlay', 'device': "
                                               "'d1', 'ip': '192.0.2.1/24', 'neighbors': ["
                                               "{'ip': '198.51.100.7', 'mac': '02:00:00:00:00:07'},"
                                               "{'ip': '192.0.2.1', 'mac': '02:00:00:00:00:01'},"
                                               "{'ip': '192.0.2.9', 'mac': '02:00:00:00:00:09'},"
                                               "{'ip': '192.0.2.9', 'mac': '02:00:00:00:00:0a'},"
                                               "{'ip': '192.0.2.8', 'mac': '01:00:5e:00:00:08'},"
                                               "{'ip': '192.0.2.6'}]}]}",
         .errors =
                 {E("ports[1].neighbors[4].mac: \"01:00:5e:00:00:08\" is a multicast MAC address"),
                  E("ports[1].neighbors[5].mac: missing required key"),
                  E("ports[1].neighbors[0].ip: \"198.51.100.7\" is outside the underlay prefix "
                    "192.0.2.0/24"),
                  E("ports[1].neighbors[1].ip: \"192.0.2.1\" is the port's own address"),
                  E("ports[1].neighbors[3].ip: duplicate neighbor \"192.0.2.9\" (also "
                    "neighbors[2])")}},
        {"static neighbors on an access port",
         "{'ports': [{'name': 'access0', 'role': 'access', 'device': 'd0', 'neighbors': "
         "[]}, " UNDERLAY("u0", "d1", "192.0.2.1/24") "]}",
         .errors = {E("ports[0].neighbors: only for underlay ports")}},
        {"bad MAC strings",
         "{'ports': [" ACCESS("access0",
                              "d0") ", {'name': 'u0', 'role': 'underlay', 'device': 'd1',"
                                    " 'ip': '192.0.2.1/24', 'mac': '02:00:00:00:00'}, "
                                    "{'name': 'u1', 'role': 'underlay', 'device': 'd2',"
                                    " 'ip': '192.0.2.2/24', 'mac': '01:00:5e:00:00:01'}]}",
         .errors = {E("ports[1].mac: \"02:00:00:00:00\" is not a MAC address"),
                    E("ports[2].mac: \"01:00:5e:00:00:01\" is a multicast MAC address"),
                    E("ports: 2 underlay ports, exactly one is supported")}},
        {"underlay keys on an access port",
         "{'ports': [{'name': 'access0', 'role': 'access', 'device': 'd0', 'ip': '192.0.2.9/24',"
         " 'next_hop': '192.0.2.254', 'mac': '02:00:00:00:00:01'}, " UNDERLAY("u0", "d1",
                                                                              "192.0.2.1/24") "]}",
         .errors = {E("ports[0].ip: only for underlay ports"),
                    E("ports[0].next_hop: only for underlay ports"),
                    E("ports[0].mac: only for underlay ports")}},

        /* Ports as a whole. */
        {"no underlay port", "{'ports': [" ACCESS("access0", "d0") "]}",
         .errors = {E("ports: no underlay port (exactly one is needed)")}},
        {"two underlay ports",
         "{'ports': [" ACCESS("access0", "d0") ", " UNDERLAY(
                 "u0", "d1", "192.0.2.1/24") ", " UNDERLAY("u1", "d2", "198.51.100.1/24") "]}",
         .errors = {E("ports: 2 underlay ports, exactly one is supported")}},
        {"no access port", "{'ports': [" UNDERLAY("u0", "d1", "192.0.2.1/24") "]}",
         .errors = {E("ports: no access port (at least one is needed)")}},
        {"no port at all", "{'ports': []}",
         .errors = {E("ports: no underlay port (exactly one is needed)"),
                    E("ports: no access port (at least one is needed)")}},
        {"more than 16 ports",
         "{'ports': [{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {},"
         " {}, {}, {}]}",
         .errors = {E("ports: has 17 entries, at most 16")}},
        {"duplicate port name",
         "{'ports': [" ACCESS("access0", "d0") ", " ACCESS("access0", "d2") ", " UNDERLAY(
                 "u0", "d1", "192.0.2.1/24") "]}",
         .errors = {E("ports[1].name: duplicate name \"access0\" (also ports[0])")}},
        {"duplicate port device",
         "{'ports': [" ACCESS("access0", "0000:03:00.0") ", " UNDERLAY("u0", "0000:03:00.0",
                                                                       "192.0.2.1/24") "]}",
         .errors = {E("ports[1].device: duplicate device \"0000:03:00.0\" (also ports[0])")}},

        /* Tenants and segments. */
        {"duplicate VNI", TENANT(SEG(5001, 100) ", " SEG(5002, 101) ", " SEG(5001, 102)),
         .errors = {E("tenants[0].segments[2].name: duplicate name \"s5001\" (also "
                      "tenants[0].segments[0])"),
                    E("tenants[0].segments[2].vni: duplicate VNI 5001 (also "
                      "tenants[0].segments[0])")}},
        {"duplicate VNI across tenants",
         "{'tenants': [{'name': 't0', 'segments': [" SEG(
                 5001, 100) "]},"
                            " {'name': 't1', 'segments': [" SEG(5001, 101) "]}]}",
         .errors = {E("tenants[1].segments[0].vni: duplicate VNI 5001 (also "
                      "tenants[0].segments[0])")}},
        {"duplicate tenant name",
         "{'tenants': [{'name': 't0', 'segments': []}, {'name': 't0', 'segments': []}]}",
         .errors = {E("tenants[1].name: duplicate name \"t0\" (also tenants[0])")}},
        {"duplicate segment name in a tenant",
         TENANT("{'name': 'web', 'vni': 1, 'port': 'access0', 'vlan': 1},"
                " {'name': 'web', 'vni': 2, 'port': 'access0', 'vlan': 2}"),
         .errors = {E("tenants[0].segments[1].name: duplicate name \"web\" (also "
                      "tenants[0].segments[0])")}},
        {"port and VLAN twice", TENANT(SEG(5001, 100) ", " SEG(5002, 100)),
         .errors = {E("tenants[0].segments[1].vlan: port \"access0\" and VLAN 100 already belong "
                      "to tenants[0].segments[0]")}},
        {"untagged twice", TENANT(SEG(5001, 'untagged') ", " SEG(5002, 'untagged')),
         .errors = {E("tenants[0].segments[1].vlan: port \"access0\" untagged already belongs to "
                      "tenants[0].segments[0]")}},
        {"segment on the underlay port",
         TENANT("{'name': 's', 'vni': 1, 'port': 'underlay0', 'vlan': 1}"),
         .errors = {E(SEGP ".port: must be an access port, \"underlay0\" is an underlay port")}},
        {"segment on an unknown port",
         TENANT("{'name': 's', 'vni': 1, 'port': 'acces0', 'vlan': 1}"),
         .errors = {E(SEGP ".port: \"acces0\" is not a configured port")}},
        {"flood duplicate", TENANT(SEG(5001, 100, ", 'flood': ['192.0.2.10', '192.0.2.10']")),
         .errors = {E(SEGP ".flood[1]: duplicate VTEP \"192.0.2.10\" (also " SEGP ".flood[0])")}},
        {"own vtep_ip in flood", TENANT(SEG(5001, 100, ", 'flood': ['192.0.2.1']")),
         .errors = {E(SEGP ".flood[0]: \"192.0.2.1\" is this gateway's own vtep_ip")}},
        {"flood VTEP off-link without next_hop",
         TENANT(SEG(5001, 100, ", 'flood': ['198.51.100.1']")),
         .errors = {E(SEGP ".flood[0]: \"198.51.100.1\" is off-link (outside 192.0.2.0/24) and the "
                           "underlay port has no next_hop")}},
        {"flood VTEP is the underlay address",
         "{'gateway': {'name': 'gw1', 'vtep_ip': '203.0.113.1'}, 'tenants': [{'name': 't0',"
         " 'segments': [" SEG(5001, 100, ", 'flood': ['192.0.2.1']") "]}]}",
         .errors = {E(SEGP ".flood[0]: \"192.0.2.1\" is the underlay port's own address")}},
        {"flood VTEP not unicast", TENANT(SEG(5001, 100, ", 'flood': ['224.0.0.1']")),
         .errors = {E(SEGP ".flood[0]: \"224.0.0.1\" is not a unicast address (multicast)")}},
        {"network in two segments",
         "{'tenants': [{'name': 't0', 'segments': [" SEG(
                 5001, 100,
                 ", 'networks': ['web', 'db']") "]},"
                                                " {'name': 't1', 'segments': [" SEG(
                                                        5002, 101,
                                                        ", 'networks': ['app', 'web']") "]}]}",
         .errors = {E("tenants[1].segments[0].networks[1]: duplicate network \"web\" (also "
                      "tenants[0].segments[0].networks[0])")}},
        {"more segments than segments_max",
         "{'limits': {'segments_max': 1}, 'tenants': [{'name': 't0', 'segments': [" SEG(
                 5001, 100) ", " SEG(5002, 101) "]}]}",
         .errors = {E("tenants: 2 segments, more than limits.segments_max (1)")}},

        /* Static FDB. */
        {"fdb for an unknown VNI",
         "{'fdb': [{'vni': 9999, 'mac': '02:00:00:00:00:01', 'vtep': '192.0.2.10'}]}",
         .errors = {E("fdb[0].vni: 9999 is not a configured VNI")}},
        {"fdb multicast and zero MAC",
         "{'tenants': [{'name': 't0', 'segments': [" SEG(
                 5001, 100) "]}], 'fdb': ["
                            "{'vni': 5001, 'mac': '01:00:5e:00:00:01', 'vtep': '192.0.2.10'},"
                            " {'vni': 5001, 'mac': '00:00:00:00:00:00', 'vtep': '192.0.2.10'}]}",
         .errors = {E("fdb[0].mac: \"01:00:5e:00:00:01\" is a multicast MAC address"),
                    E("fdb[1].mac: \"00:00:00:00:00:00\" is the zero MAC address")}},
        {"fdb duplicate (same MAC in another VNI is not)",
         "{'tenants': [{'name': 't0', 'segments': [" SEG(5001, 100) ", " SEG(
                 5002, 101) "]}], 'fdb': ["
                            "{'vni': 5001, 'mac': '02:00:00:00:00:01', 'vtep': '192.0.2.10'},"
                            " {'vni': 5002, 'mac': '02:00:00:00:00:01', 'vtep': '192.0.2.10'},"
                            " {'vni': 5001, 'mac': '02-00-00-00-00-01', 'vtep': '192.0.2.11'}]}",
         .errors = {E(
                 "fdb[2].mac: duplicate MAC \"02:00:00:00:00:01\" in VNI 5001 (also fdb[0])")}},
        {"fdb VTEP ours and off-link",
         "{'tenants': [{'name': 't0', 'segments': [" SEG(
                 5001, 100) "]}], 'fdb': ["
                            "{'vni': 5001, 'mac': '02:00:00:00:00:01', 'vtep': '192.0.2.1'},"
                            " {'vni': 5001, 'mac': '02:00:00:00:00:02', 'vtep': '203.0.113.9'}]}",
         .errors = {E("fdb[0].vtep: \"192.0.2.1\" is this gateway's own vtep_ip"),
                    E("fdb[1].vtep: \"203.0.113.9\" is off-link (outside 192.0.2.0/24) and the "
                      "underlay port has no next_hop")}},
        {"more fdb entries than fdb_max",
         "{'limits': {'fdb_max': 1}, 'tenants': [{'name': 't0', 'segments': [" SEG(
                 5001,
                 100) "]}],"
                      " 'fdb': [{'vni': 5001, 'mac': '02:00:00:00:00:01', 'vtep': '192.0.2.10'},"
                      " {'vni': 5001, 'mac': '02:00:00:00:00:02', 'vtep': '192.0.2.10'}]}",
         .errors = {E("fdb: 2 entries, more than limits.fdb_max (1)")}},
        {"more VTEPs than vteps_max",
         "{'limits': {'vteps_max': 1}, 'tenants': [{'name': 't0', 'segments': [" SEG(
                 5001, 100, ", 'flood': ['192.0.2.10', '192.0.2.11']") "]}]}",
         .errors = {E("limits.vteps_max: 2 remote VTEPs are configured, more than 1")}},

        /* Sites and hosts. */
        {"gateway.site unknown",
         "{'gateway': {'name': 'gw1', 'vtep_ip': '192.0.2.1', 'site': 'dc9'},"
         " 'sites': [{'name': 'dc1', 'hosts': ['esx-*']}]}",
         .errors = {E("sites[0].vtep: missing required key"),
                    E("gateway.site: \"dc9\" is not a configured site")}},
        {"site without vtep", "{'sites': [{'name': 'dc2', 'clusters': ['c2']}]}",
         .errors = {E("sites[0].vtep: missing required key")}},
        {"site without hosts or clusters",
         "{'sites': [{'name': 'dc2', 'vtep': '192.0.2.2'}, {'name': 'dc3', 'vtep': '192.0.2.3',"
         " 'hosts': [], 'clusters': []}]}",
         .errors = {E("sites[0]: needs hosts or clusters"),
                    E("sites[1]: needs hosts or clusters")}},
        {"duplicate site name and pattern",
         "{'sites': [{'name': 'dc2', 'vtep': '192.0.2.2', 'hosts': ['esx-*', 'esx-*']},"
         " {'name': 'dc2', 'vtep': '192.0.2.3', 'clusters': ['c']}]}",
         .errors = {E("sites[0].hosts[1]: duplicate host pattern \"esx-*\" (also "
                      "sites[0].hosts[0])"),
                    E("sites[1].name: duplicate name \"dc2\" (also sites[0])")}},
        {"site VTEP is ours", "{'sites': [{'name': 'dc2', 'vtep': '192.0.2.1', 'hosts': ['h']}]}",
         .errors = {E("sites[0].vtep: \"192.0.2.1\" is this gateway's own vtep_ip")}},
        {"duplicate host, host VTEP off-link",
         "{'hosts': [{'name': 'esx1', 'vtep': '192.0.2.21'}, {'name': 'esx1', 'vtep':"
         " '198.51.100.21'}]}",
         .errors = {E("hosts[1].name: duplicate name \"esx1\" (also hosts[0])"),
                    E("hosts[1].vtep: \"198.51.100.21\" is off-link (outside 192.0.2.0/24) and the "
                      "underlay port has no next_hop")}},

        /* Managers. */
        {"literal password",
         "{'managers': [{'type': 'vcenter', 'name': 'vc1', 'url': 'https://vc1.example',"
         " 'username': 'svc', 'password': 'hunter2'}]}",
         .errors = {E("managers[0].password: passwords are read from password_file or "
                      "password_env, never from the configuration"),
                    E("managers[0]: needs password_file or password_env")}},
        {"both password_file and password_env", VC(", 'password_env': 'PW'"),
         .errors = {E("managers[0]: password_file and password_env are mutually exclusive")}},
        {"neither password_file nor password_env",
         "{'managers': [{'type': 'vcenter', 'name': 'vc1', 'url': 'https://vc1.example',"
         " 'username': 'svc'}]}",
         .errors = {E("managers[0]: needs password_file or password_env")}},
        {"insecure with ca_file and fingerprint",
         VC(", 'insecure': true, 'ca_file': '/etc/ca.pem', 'fingerprint': "
            "'0000000000000000000000000000000000000000000000000000000000000000'"),
         .errors = {E("managers[0]: insecure and ca_file are mutually exclusive"),
                    E("managers[0]: insecure and fingerprint are mutually exclusive")}},
        {"xenapi keys on vcenter",
         VC(", 'members': ['https://vc2.example'], 'pool_uuid': "
            "'6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f', 'transport_network': 'vx'"),
         .errors = {E("managers[0].members: only for xenapi managers"),
                    E("managers[0].pool_uuid: only for xenapi managers"),
                    E("managers[0].transport_network: only for xenapi managers")}},
        {"duplicate manager name and member",
         "{'managers': [{'type': 'vcenter', 'name': 'm1', 'url': 'https://vc1.example',"
         " 'username': 'svc', 'password_env': 'PW'}, {'type': 'xenapi', 'name': 'm1',"
         " 'url': 'https://x1.example', 'members': ['https://x2.example', 'https://x2.example'],"
         " 'username': 'root', 'password_env': 'PW2'}]}",
         .errors = {E("managers[1].members[1]: duplicate URL \"https://x2.example\" (also "
                      "managers[1].members[0])"),
                    E("managers[1].name: duplicate name \"m1\" (also managers[0])")}},

        /* Dataplane. */
        {"lcore 0", "{'dataplane': {'lcores': [0, 1]}}",
         .errors = {E("dataplane.lcores[0]: lcore 0 is the main (control) lcore and cannot "
                      "forward")}},
        {"lcore out of range, duplicate, not an integer",
         "{'dataplane': {'lcores': [2, 128, 2, '3']}}",
         .errors = {E("dataplane.lcores[1]: 128 is out of range 1..127"),
                    E("dataplane.lcores[2]: duplicate lcore 2 (also dataplane.lcores[0])"),
                    E("dataplane.lcores[3]: expected an integer")}},

        /* Syntax: line and column from Jansson. */
        {"syntax error", "{\n  \"gateway\": {,\n}", .raw = true,
         .errors = {CFGT_NAME ":2:15: error: string or '}' expected near ','"}},
        {"duplicate key", "{\"ports\": [],\n \"ports\": []}", .raw = true,
         .errors = {CFGT_NAME ":2:8: error: duplicate object key near '\"ports\"'"}},
        {"empty document", "", .raw = true,
         .errors = {CFGT_NAME ":1:0: error: '[' or '{' expected near end of file"}},
        {"trailing garbage", "{} x", .raw = true,
         .errors = {CFGT_NAME ":1:4: error: end of file expected near 'x'"}},
};

const size_t cfgt_nb_cases = sizeof(cfgt_cases) / sizeof(cfgt_cases[0]);
