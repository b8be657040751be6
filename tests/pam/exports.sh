#!/bin/sh
# The module's boundary (pam_u2f's rule): sshd, sudo and su load
# pam_credgate.so into their address space on every login, so it exports
# the PAM entry points and nothing else, links no library it does not
# need (no libqrencode, no libpng), and carries none of the tools' code
# (otpauth URIs, QR, enrollment-only store operations): lib/ is built
# with -ffunction-sections and the module linked with --gc-sections.
. "$abs_top_srcdir/tests/tap.sh"
so="$abs_top_builddir/pam_module/.libs/pam_credgate.so"
[ -f "$so" ] || skip_all "module not built: $so"
command -v nm >/dev/null 2>&1 || skip_all "nm (binutils) not installed"
command -v readelf >/dev/null 2>&1 || skip_all "readelf (binutils) not installed"
plan 7

exports=$(nm -D --defined-only "$so" | awk '{ print $3 }' | sort)
diag "exports: $(echo $exports)"
bad=$(echo "$exports" | grep -v '^pam_sm_')
[ -z "$bad" ]; ok $? "only pam_sm_* symbols are exported${bad:+ (also: $(echo $bad))}"
for f in pam_sm_authenticate pam_sm_setcred pam_sm_acct_mgmt; do
	echo "$exports" | grep -qx "$f"; ok $? "$f is exported"
done

# What the module may need: libpam, OpenSSL's libcrypto, libc, the
# sanitizer runtimes in the sanitizer build, and libldap/liblber for the
# fleet store.  Anything else is a library sshd would load for nothing.
needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
diag "needed: $(echo $needed)"
extra=$(echo "$needed" | grep -v -E '^(libpam\.so|libcrypto\.so|libc\.so|ld-linux|libasan\.so|libubsan\.so|libldap|liblber)')
[ -z "$extra" ]; ok $? "links only libpam, libcrypto, libc (+ sanitizers, libldap)${extra:+; also: $(echo $extra)}"

tool_only=$(nm "$so" | awk '{ print $3 }' |
	grep -E '^(cg_otpauth_|cg_qr_|cg_write_private_file|cg_priv_|cg_recovery_regenerate$|QRcode|png_)')
[ -z "$tool_only" ]; ok $? "no tools-only code in the module${tool_only:+: $(echo $tool_only)}"

# Once loaded, the module stays (-z nodelete, pam_credgate(8) NOTES): a
# service running many PAM transactions does not map, relocate and unmap
# it for every login.
readelf -d "$so" | grep -q 'FLAGS_1.*NODELETE'
ok $? "the module is linked -z nodelete"
