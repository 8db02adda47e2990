/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xapi_fixture.h - a small pool as get_all_records results (JSON), for the
 * cache, binding and replay tests.
 *
 * Two hosts (xs1; xs2 with an empty name_label, so its hostname is used),
 * a VM network and a transport network, and VMs that exercise every rule:
 *   v1  Running on xs1, VIF f1 02:00:00:00:00:01 attached      -> reported
 *   v2  Paused on xs2,  VIF f2 02:00:00:00:00:02 attached      -> reported
 *   v3  Halted,         VIF f3 attached (stale flag)           -> not
 *   v4  Running,        VIF f4 not attached                    -> not
 *   t5  template,       VIF f5                                  -> not
 *   s6  snapshot marked Running, VIF f6                         -> not
 *   d7  control domain on xs1, VIF f7                           -> not
 *   v8  Running on a host we do not know, VIF f8               -> not
 *   v9  Suspended,      VIF f9                                  -> not
 *
 * Thread-safety: constants only.
 */
#ifndef XAPI_FIXTURE_H
#define XAPI_FIXTURE_H

#define FX_POOL                                                                                    \
	"{\"OpaqueRef:pool\":{\"uuid\":\"pool-uuid\",\"name_label\":\"pool-a\",\"master\":"        \
	"\"OpaqueRef:h1\"}}"

#define FX_HOSTS                                                                                   \
	"{\"OpaqueRef:h1\":{\"uuid\":\"h1u\",\"name_label\":\"xs1\",\"hostname\":\"xs1\","         \
	"\"address\":\"10.0.0.9\",\"API_version_major\":2,\"API_version_minor\":21},"              \
	"\"OpaqueRef:h2\":{\"uuid\":\"h2u\",\"name_label\":\"\",\"hostname\":\"xs2.example\","     \
	"\"address\":\"10.0.0.2\",\"API_version_major\":2,\"API_version_minor\":21}}"

#define FX_NETWORKS                                                                                \
	"{\"OpaqueRef:na\":{\"uuid\":\"na-uuid\",\"name_label\":\"net-a\"},"                       \
	"\"OpaqueRef:nt\":{\"uuid\":\"nt-uuid\",\"name_label\":\"transport\"}}"

#define FX_PIFS                                                                                    \
	"{\"OpaqueRef:p1\":{\"host\":\"OpaqueRef:h1\",\"network\":\"OpaqueRef:nt\",\"IP\":"        \
	"\"10.9.0.1\"},"                                                                           \
	"\"OpaqueRef:p2\":{\"host\":\"OpaqueRef:h2\",\"network\":\"OpaqueRef:nt\",\"IP\":"         \
	"\"10.9.0.2\"},"                                                                           \
	"\"OpaqueRef:p3\":{\"host\":\"OpaqueRef:h1\",\"network\":\"OpaqueRef:na\",\"IP\":\"\"}}"

#define FX_VM(ref, name, power, host, tmpl, snap, dom0)                                            \
	"\"OpaqueRef:" ref "\":{\"uuid\":\"" ref "-uuid\",\"name_label\":\"" name "\","            \
	"\"power_state\":\"" power "\",\"resident_on\":\"" host "\",\"is_a_template\":" tmpl       \
	",\"is_a_snapshot\":" snap ",\"is_control_domain\":" dom0 "}"

/* One VM per line reads better than any reflow. */
/* clang-format off */
#define FX_VMS                                                                                     \
	"{" FX_VM("v1", "web-1", "Running", "OpaqueRef:h1", "false", "false", "false") ","         \
	FX_VM("v2", "db-1", "Paused", "OpaqueRef:h2", "false", "false", "false") ","               \
	FX_VM("v3", "off", "Halted", "OpaqueRef:NULL", "false", "false", "false") ","              \
	FX_VM("v4", "unplugged", "Running", "OpaqueRef:h1", "false", "false", "false") ","         \
	FX_VM("t5", "tmpl", "Halted", "OpaqueRef:NULL", "true", "false", "false") ","              \
	FX_VM("s6", "snap", "Running", "OpaqueRef:h1", "false", "true", "false") ","               \
	FX_VM("d7", "Control domain on host: xs1", "Running", "OpaqueRef:h1", "false", "false",    \
	      "true") ","                                                                          \
	FX_VM("v8", "elsewhere", "Running", "OpaqueRef:h-unknown", "false", "false", "false") ","  \
	FX_VM("v9", "asleep", "Suspended", "OpaqueRef:NULL", "false", "false", "false") "}"
/* clang-format on */

/* A VIF record (an event snapshot), and the same keyed by its ref. */
#define FX_VIF_REC(vm, mac, attached)                                                              \
	"{\"VM\":\"OpaqueRef:" vm "\",\"network\":\"OpaqueRef:na\",\"MAC\":\"" mac "\","           \
	"\"currently_attached\":" attached ",\"device\":\"0\"}"
#define FX_VIF(ref, vm, mac, attached) "\"OpaqueRef:" ref "\":" FX_VIF_REC(vm, mac, attached)

/* clang-format off */
#define FX_VIFS_BODY                                                                               \
	FX_VIF("f1", "v1", "02:00:00:00:00:01", "true") ","                                        \
	FX_VIF("f3", "v3", "02:00:00:00:00:03", "true") ","                                        \
	FX_VIF("f4", "v4", "02:00:00:00:00:04", "false") ","                                       \
	FX_VIF("f5", "t5", "02:00:00:00:00:05", "true") ","                                        \
	FX_VIF("f6", "s6", "02:00:00:00:00:06", "true") ","                                        \
	FX_VIF("f7", "d7", "02:00:00:00:00:07", "true") ","                                        \
	FX_VIF("f8", "v8", "02:00:00:00:00:08", "true") ","                                        \
	FX_VIF("f9", "v9", "02:00:00:00:00:09", "true")
/* clang-format on */

#define FX_VIFS       "{" FX_VIF("f2", "v2", "02:00:00:00:00:02", "true") "," FX_VIFS_BODY "}"
#define FX_VIFS_NO_F2 "{" FX_VIFS_BODY "}"
#define FX_NB_VIFS    9
#define FX_NB_VMS     9

/* The VM v1 again, now resident on xs2 (a live migration). */
#define FX_V1_ON_H2                                                                                \
	"{\"uuid\":\"v1-uuid\",\"name_label\":\"web-1\",\"power_state\":\"Running\","              \
	"\"resident_on\":\"OpaqueRef:h2\",\"is_a_template\":false,\"is_a_snapshot\":false,"        \
	"\"is_control_domain\":false}"

#endif /* XAPI_FIXTURE_H */
