/* LD_PRELOAD shim: a kernel without openat2(2) (or a seccomp filter that
 * answers ENOSYS), so that lib/safefile.c walks paths with its openat
 * (O_PATH | O_DIRECTORY | O_NOFOLLOW) fallback.  When it refuses a call
 * it creates the file named by $CG_NO_OPENAT2_MARK, so a test can tell
 * that the fallback really ran. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	const char *mark = getenv("CG_NO_OPENAT2_MARK");
	long a[6];
	va_list ap;
	int fd;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
#ifdef SYS_openat2
	if (nr == SYS_openat2) {
		if (mark != NULL &&
		    (fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0)
			close(fd);
		errno = ENOSYS;
		return -1;
	}
#endif
	if (real == NULL)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
