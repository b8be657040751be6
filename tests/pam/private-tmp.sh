#!/bin/sh
# private-tmp.sh CMD [ARGS...]: CMD with an empty /tmp of its own (run it
# in a new mount namespace: unshare -m --propagation private).  See
# pam_exec's CG_TMP_EACH in tests/pam/lib.sh.
mount -t tmpfs -o mode=1777 cg-tmp /tmp || exit 99
exec "$@"
