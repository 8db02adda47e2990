/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vc_private.h - declarations shared inside control/vcenter/ (and by its
 * unit tests): SOAP request builders (vc_soap.c), the hardened XML layer
 * and fault decoding (vc_xml.c), response and UpdateSet parsing
 * (vc_parse.c), the inventory cache that turns UpdateSets into bindings
 * (vc_inventory.c), the session (vc_session.c) and the backoff
 * (vc_source.c).
 *
 * Thread-safety: everything here is used by one source's worker thread
 * (or a test) at a time; the functions are pure or work on the object
 * passed in, with no global state besides libxml2's own.
 */
#ifndef VTEP_VC_PRIVATE_H
#define VTEP_VC_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "config/cfg.h"
#include "source.h"
#include "vc.h"

#define VC_NS_VIM25   "urn:vim25"
#define VC_NS_SOAPENV "http://schemas.xmlsoap.org/soap/envelope/"
#define VC_NS_XSI     "http://www.w3.org/2001/XMLSchema-instance"

/* Every call before RetrieveServiceContent told us about.apiVersion uses
 * this one (the captures do; any vCenter or ESXi >= 6.5 accepts it). */
#define VC_API_BOOTSTRAP "6.5"

#define VC_MOREF_MAX   256 /* session-scoped morefs are "session[<key>]<uuid>" */
#define VC_TYPE_MAX    64
#define VC_VERSION_MAX 256 /* PropertyCollector data version, opaque */
#define VC_ERR_MAX     256

/* ---- vc_soap.c: request builders -------------------------------------- */

/* A growing output buffer; an allocation failure or invalid input is
 * remembered in err and reported once by the builder. */
struct vc_buf {
	char *p;
	size_t len;
	size_t cap;
	int err;
};

void vc_buf_free(struct vc_buf *b);
void vc_buf_add(struct vc_buf *b, const char *s);
/** Append @p s XML-escaped (&, <, >, ", ' and CR); C0 controls that XML
 * 1.0 cannot carry set err = -EINVAL. */
void vc_buf_add_text(struct vc_buf *b, const char *s);

struct vc_moref {
	char type[VC_TYPE_MAX];
	char value[VC_MOREF_MAX];
};

/* One PropertySpec of a PropertyFilterSpec. */
struct vc_prop_spec {
	const char *type;
	const char *const *paths; /* NULL-terminated */
};

/* Each builder resets @p b and writes the whole envelope.
 * @return 0, -ENOMEM or -EINVAL (text XML cannot carry). */
int vc_soap_retrieve_service_content(struct vc_buf *b);
int vc_soap_login(struct vc_buf *b, const struct vc_moref *session_mgr, const char *user,
                  const char *password);
int vc_soap_logout(struct vc_buf *b, const struct vc_moref *session_mgr);
int vc_soap_create_container_view(struct vc_buf *b, const struct vc_moref *view_mgr,
                                  const struct vc_moref *container, const char *const *types,
                                  bool recursive);
int vc_soap_destroy_view(struct vc_buf *b, const struct vc_moref *view);
int vc_soap_create_filter(struct vc_buf *b, const struct vc_moref *pc,
                          const struct vc_prop_spec *specs, unsigned nb_specs,
                          const struct vc_moref *view, bool partial_updates);
int vc_soap_destroy_filter(struct vc_buf *b, const struct vc_moref *filter);
/** @param max_object_updates 0 = not sent. */
int vc_soap_wait_for_updates_ex(struct vc_buf *b, const struct vc_moref *pc, const char *version,
                                uint32_t max_wait_s, uint32_t max_object_updates);

/* The filter vtepd creates: the VM, host, network and cluster
 * properties the bindings need. */
extern const struct vc_prop_spec vc_watch_specs[];
extern const unsigned vc_nb_watch_specs;
extern const char *const vc_watch_types[]; /* NULL-terminated, for the view */

/* ---- vc_xml.c: hardened parsing, namespaces, faults ------------------- */

#define VC_XML_MAX_DEFAULT (64u << 20)

/**
 * Parse a response. Refuses (-EBADMSG, with a reason in @p err) anything
 * larger than @p max_len, not well-formed, or carrying a DOCTYPE or an
 * entity declaration (billion laughs, external entities): no DTD is ever
 * loaded, no entity substituted, no network touched.
 * @return 0 and *doc (xmlFreeDoc() it), -EMSGSIZE, -EBADMSG or -ENOMEM.
 */
int vc_xml_read(const char *buf, size_t len, size_t max_len, xmlDoc **doc, char *err,
                size_t err_size);

/** True if @p n is an element named @p local in namespace @p ns (NULL = none). */
bool vc_xml_is(const xmlNode *n, const char *ns, const char *local);
/** First child element named @p local in @p ns, or NULL. */
xmlNode *vc_xml_child(const xmlNode *n, const char *ns, const char *local);
/** Next sibling element after @p n named @p local in @p ns, or NULL. */
xmlNode *vc_xml_next(const xmlNode *n, const char *ns, const char *local);
/** Copy the text content of @p n. @return 0, or -ENAMETOOLONG (then "" copied). */
int vc_xml_text(const xmlNode *n, char *buf, size_t size);
/** The xsi:type of @p n, resolved by namespace URI whatever the prefix,
 * with any value prefix ("xsd:string") stripped; "" when absent. */
void vc_xml_xsi_type(const xmlNode *n, char *buf, size_t size);
/** Read a ManagedObjectReference element (plain "type" attribute + text). */
int vc_xml_moref(const xmlNode *n, struct vc_moref *ref);
/** soapenv:Body of a document, or NULL. */
xmlNode *vc_xml_body(xmlDoc *doc);

enum vc_fault_kind {
	VC_FAULT_NONE,
	VC_FAULT_NOT_AUTHENTICATED,
	VC_FAULT_INVALID_LOGIN,
	VC_FAULT_INVALID_ARGUMENT,
	VC_FAULT_INVALID_REQUEST,
	VC_FAULT_MANAGED_OBJECT_NOT_FOUND,
	VC_FAULT_REQUEST_CANCELED,
	VC_FAULT_INVALID_COLLECTOR_VERSION,
	VC_FAULT_NO_PERMISSION,
	VC_FAULT_OTHER,
};

struct vc_fault {
	enum vc_fault_kind kind;
	char name[VC_TYPE_MAX]; /* "NotAuthenticated", or whatever the server named */
	char msg[VC_ERR_MAX];   /* faultstring, may be "" */
};

/** Decode the soapenv:Fault of @p doc. @return 0, or -ENOENT if there is none. */
int vc_fault_parse(xmlDoc *doc, struct vc_fault *f);
/** The -errno a fault kind becomes: NotAuthenticated -EKEYEXPIRED,
 * InvalidCollectorVersion -ESTALE, InvalidLogin -EACCES, NoPermission
 * -EPERM, InvalidArgument/InvalidRequest -EINVAL, ManagedObjectNotFound
 * -ENOENT, RequestCanceled -EINTR, others -EREMOTEIO. */
int vc_fault_errno(enum vc_fault_kind k);
const char *vc_fault_kind_name(enum vc_fault_kind k);

/* ---- vc_parse.c: responses -------------------------------------------- */

struct vc_service_content {
	struct vc_moref root_folder;
	struct vc_moref property_collector;
	struct vc_moref view_manager;
	struct vc_moref session_manager;
	char api_type[VC_TYPE_MAX];    /* "VirtualCenter", "HostAgent" */
	char api_version[VC_TYPE_MAX]; /* "6.5", "8.0.3.0" */
	char full_name[VC_ERR_MAX];
};

/** The <method>Response element in the Body of @p doc, or NULL. */
xmlNode *vc_parse_response(xmlDoc *doc, const char *method);
int vc_parse_service_content(xmlDoc *doc, struct vc_service_content *sc);
/** LoginResponse: the session key (never a secret on its own: the cookie is). */
int vc_parse_login(xmlDoc *doc, char *user, size_t user_size);
/** A response whose returnval is a moref (CreateContainerView, CreateFilter). */
int vc_parse_moref_return(xmlDoc *doc, const char *method, struct vc_moref *ref);

enum vc_obj_kind { VC_OBJ_ENTER, VC_OBJ_MODIFY, VC_OBJ_LEAVE };

enum vc_prop {
	VC_PROP_OTHER,
	VC_PROP_NAME,
	VC_PROP_KEY,          /* DistributedVirtualPortgroup.key */
	VC_PROP_RUNTIME_HOST, /* VirtualMachine.runtime.host */
	VC_PROP_POWER,        /* VirtualMachine.runtime.powerState */
	VC_PROP_DEVICES,      /* VirtualMachine.config.hardware.device */
	VC_PROP_PARENT,       /* HostSystem.parent */
};

enum vc_backing {
	VC_BACKING_NONE,
	VC_BACKING_NETWORK, /* standard portgroup: deviceName + network moref */
	VC_BACKING_DVPORT,  /* distributed portgroup: port.portgroupKey */
	VC_BACKING_OTHER,   /* opaque network, ...: no binding */
};

struct vc_nic {
	int32_t key;
	uint8_t mac[6];
	bool connected;
	enum vc_backing backing;
	char network[CFG_LABEL_MAX]; /* deviceName or portgroupKey */
	char net_ref[VC_MOREF_MAX];  /* standard backing: the Network moref value */
};

struct vc_change {
	enum vc_prop prop;
	bool unset;              /* op remove / indirectRemove, or no val */
	char str[CFG_LABEL_MAX]; /* name, key, powerState */
	struct vc_moref ref;     /* runtime.host, parent */
	struct vc_nic *nics;     /* config.hardware.device */
	unsigned nb_nics;
};

struct vc_obj_update {
	enum vc_obj_kind kind;
	struct vc_moref obj;
	struct vc_change *changes;
	unsigned nb_changes;
};

struct vc_update_set {
	bool empty; /* no returnval: the wait timed out, keep the version */
	char version[VC_VERSION_MAX];
	bool truncated;
	struct vc_obj_update *objs;
	unsigned nb_objs;
};

/**
 * Parse a WaitForUpdatesExResponse. Objects and properties vtepd does not
 * watch are skipped; objectSets keep their order.
 * @return 0, -EPROTO (not an UpdateSet), -ENOMEM.
 */
int vc_parse_update_set(xmlDoc *doc, struct vc_update_set *us, char *err, size_t err_size);
void vc_update_set_free(struct vc_update_set *us);

/* ---- vc_inventory.c: the cache and the bindings ----------------------- */

struct vc_inv;

/** @return an empty inventory posting to @p q as @p src_id, or NULL + errno. */
struct vc_inv *vc_inv_create(struct src_queue *q, uint16_t src_id, const char *name);
void vc_inv_destroy(struct vc_inv *inv);
/** Forget everything without posting (before a resync, after a flush). */
void vc_inv_reset(struct vc_inv *inv);
/**
 * Apply an UpdateSet in order, then post UPSERT / WITHDRAW for every
 * binding that changed, stamped with @p recv_ns.
 * @return 0 or -ENOMEM.
 */
int vc_inv_apply(struct vc_inv *inv, const struct vc_update_set *us, uint64_t recv_ns);
/** Post one op without a binding (SYNC_BEGIN, SYNC_END, FLUSH). */
int vc_inv_post_op(struct vc_inv *inv, enum src_op op, uint64_t recv_ns);

struct vc_inv_counts {
	uint32_t nb_vms;
	uint32_t nb_hosts;
	uint32_t nb_networks;
	uint32_t nb_clusters;
	uint32_t nb_macs; /* bindings currently posted */
};
void vc_inv_counts(const struct vc_inv *inv, struct vc_inv_counts *c);

/* ---- vc_session.c: one vim25 session over a transport ------------------ */

struct vc_sess {
	const char *name; /* "vcenter vc1", for logs */
	vc_transport_fn transport;
	void *transport_ctx;
	struct http_client *hc; /* the default transport's client, NULL if injected */
	uint32_t *timeout_slot; /* where the default transport reads its per-call
	                         * timeout; NULL if injected */
	uint32_t timeout_ms;    /* per call (wait calls add their wait) */
	size_t max_response;
	struct vc_service_content sc;
	char api_version[VC_TYPE_MAX]; /* in SOAPAction; "" = VC_API_BOOTSTRAP */
	bool logged_in;
	bool reachable; /* the last call got an HTTP response */
	bool quiet;     /* best-effort calls: errors logged at debug level */
	struct vc_moref view;
	struct vc_moref filter;
	uint64_t recv_ns; /* when the last response was read */
	uint64_t nb_errors;
	char last_error[VC_ERR_MAX];
	struct vc_buf req;
};

/** Release the session's buffers (no calls made). */
void vc_sess_fini(struct vc_sess *s);
/**
 * One call: send s->req as @p method, decode the answer. Errors are
 * translated here, once, into one log line, s->last_error and one -errno
 * (transport: see http_post(); SOAP fault: see vc_fault_errno(); HTTP
 * status other than 200/500 or a body that is no SOAP response: -EPROTO;
 * not XML or refused XML: -EBADMSG / -EMSGSIZE).
 * @return 0 and *doc (the parsed response), or -errno.
 */
int vc_sess_call(struct vc_sess *s, const char *method, uint32_t timeout_ms, xmlDoc **doc);
/** RetrieveServiceContent, Logout of a previous session (best effort),
 * Login, CreateContainerView, CreateFilter. @return 0 or -errno. */
int vc_sess_open(struct vc_sess *s, const char *user, const char *password);
/** WaitForUpdatesEx(version); on success @p us is filled (free it). */
int vc_sess_wait(struct vc_sess *s, const char *version, uint32_t wait_s, uint32_t max_objs,
                 struct vc_update_set *us);
/** Best-effort DestroyPropertyFilter, DestroyView, Logout, each with a
 * short timeout, skipped once the server does not answer. */
void vc_sess_close(struct vc_sess *s);

/* ---- vc_source.c: backoff --------------------------------------------- */

/** The @p attempt-th (0-based) reconnect delay with full jitter:
 * uniform in [min_ms, min(max_ms, min_ms * 2^(attempt+1))]; @p rnd is a
 * random 64-bit value. */
uint32_t vc_backoff_ms(uint32_t min_ms, uint32_t max_ms, unsigned attempt, uint64_t rnd);

#endif /* VTEP_VC_PRIVATE_H */
