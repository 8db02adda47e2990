#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# meson install into a scratch DESTDIR puts what an operator needs where
# they look: binaries, man pages, the systemd unit, examples, docs; the
# installed vtepd answers --help and validates the installed example.
set -u
build=${1:?build dir}
dest=$(mktemp -d /tmp/vtepd-install.XXXXXX)
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --destdir "$dest" --no-rebuild >"$dest.log" 2>&1 || {
	cat "$dest.log"; rm -f "$dest.log"; exit 1; }
rm -f "$dest.log"
prefix=$(meson introspect "$build" --buildoptions |
	/usr/bin/python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
root="$dest$prefix"
fail=0
for f in bin/vtepd bin/vtepctl share/man/man8/vtepd.8 share/man/man8/vtepctl.8 \
	lib/systemd/system/vtepd.service share/vtepd/examples/vtepd.json \
	share/vtepd/examples/minimal.json share/vtepd/vtepd.default.example \
	share/doc/vtepd/configuration.md share/doc/vtepd/operations.md; do
	[[ -e $root/$f ]] || { echo "install: $f missing"; fail=1; }
done
grep -q "ExecStart=$prefix/bin/vtepd" "$root/lib/systemd/system/vtepd.service" ||
	{ echo "install: the unit does not start $prefix/bin/vtepd"; fail=1; }
"$root/bin/vtepd" --help | grep -q -- "--check-config" || { echo "install: vtepd --help"; fail=1; }
"$root/bin/vtepd" --check-config "$root/share/vtepd/examples/vtepd.json" >/dev/null ||
	{ echo "install: the installed example does not validate"; fail=1; }
[[ $fail -eq 0 ]] && echo "install: ok ($root)"
exit $fail
