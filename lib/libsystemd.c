/* Loading libsystemd once, if it is there (libsystemd.h). */
#include "config.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include "libsystemd.h"

#define LIBSYSTEMD_SONAME "libsystemd.so.0"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void *lib;

static void load(void)
{
	/* RTLD_NODELETE: the module that loaded it may be unloaded by
	 * pam_end and loaded again; libsystemd and its open socket stay. */
	lib = dlopen(LIBSYSTEMD_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
}

void *cg_libsystemd_sym(const char *name)
{
	(void)pthread_once(&once, load);
	return lib != NULL ? dlsym(lib, name) : NULL;
}
