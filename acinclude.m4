dnl Where the system's libpam looks for modules and service files.
dnl
dnl A module installed anywhere else is "unknown" to every service file that
dnl names it without a path (the usual way, and what etc/pam.d/credgate
dnl does), so the defaults come from libpam itself: the directories compiled
dnl into the library the linker finds (Linux-PAM keeps DEFAULT_MODULE_PATH,
dnl e.g. "/lib/x86_64-linux-gnu/security/", and "/etc/pam.d" as strings),
dnl else pkg-config's moduledir (newer Linux-PAM), else the directory next
dnl to libpam.  --with-pamdir / --with-pamconfdir override.

dnl CG_LIBPAM_FILE: the shared libpam the linker would use, symlinks resolved.
AC_DEFUN([CG_LIBPAM_FILE], [
  cg_libpam=`$CC $CFLAGS $LDFLAGS -print-file-name=libpam.so 2>/dev/null`
  AS_CASE([$cg_libpam], [/*], [], [
    cg_libpam=`$PKG_CONFIG --variable=libdir pam 2>/dev/null`/libpam.so])
  cg_libpam=`readlink -f "$cg_libpam" 2>/dev/null`
  AS_IF([test -f "$cg_libpam"], [], [cg_libpam=])
])

dnl CG_LIBPAM_STRING(ERE): the first printable string in libpam matching ERE.
AC_DEFUN([CG_LIBPAM_STRING], [`test -n "$cg_libpam" && LC_ALL=C tr -c '[[:print:]]' '\n' <"$cg_libpam" | grep -E '$1' | head -n 1`])

AC_DEFUN([CG_PAM_DIRS], [
  AC_REQUIRE([PKG_PROG_PKG_CONFIG])
  CG_LIBPAM_FILE
  AC_ARG_WITH([pamdir],
    [AS_HELP_STRING([--with-pamdir=DIR],
      [PAM module directory @<:@the one libpam searches@:>@])],
    [pamdir=$withval], [pamdir=auto])

  AC_MSG_CHECKING([the module directory libpam searches])
  cg_libpam_moddir=CG_LIBPAM_STRING([^/.*/security/$])
  cg_libpam_moddir=${cg_libpam_moddir%/}
  AS_IF([test -z "$cg_libpam_moddir"],
    [cg_libpam_moddir=`$PKG_CONFIG --variable=moduledir pam 2>/dev/null`])
  AS_IF([test -z "$cg_libpam_moddir" && test -n "$cg_libpam"],
    [cg_libpam_moddir=`dirname "$cg_libpam"`/security])
  AC_MSG_RESULT([${cg_libpam_moddir:-unknown}])
  dnl cg_pamdir_auto: "yes" when pamdir is the directory found in libpam.
  cg_pamdir_auto=no
  AS_IF([test "x$pamdir" = xauto && test -n "$cg_libpam_moddir"],
    [pamdir=$cg_libpam_moddir; cg_pamdir_auto=yes])
  AS_IF([test "x$pamdir" = xauto], [pamdir='${libdir}/security'
    AC_MSG_WARN([libpam's module directory not found: pamdir is $pamdir, use --with-pamdir])])
  AS_IF([test -n "$cg_libpam_moddir" && test "x$pamdir" != "x$cg_libpam_moddir" &&
         test "x`readlink -f "$pamdir" 2>/dev/null`" != "x`readlink -f "$cg_libpam_moddir"`"],
    [AC_MSG_WARN([pamdir $pamdir is not where libpam looks ($cg_libpam_moddir): name the module by its absolute path in /etc/pam.d])])
  AC_SUBST([pamdir])
  AC_SUBST([cg_pamdir_auto])

  AC_ARG_WITH([pamconfdir],
    [AS_HELP_STRING([--with-pamconfdir=DIR],
      [PAM service file directory @<:@the one libpam reads, /etc/pam.d@:>@])],
    [pamconfdir=$withval], [pamconfdir=auto])
  AS_IF([test "x$pamconfdir" = xauto], [
    pamconfdir=CG_LIBPAM_STRING([^/.*/pam\.d$])
    pamconfdir=${pamconfdir:-/etc/pam.d}])
  AC_SUBST([pamconfdir])
])
