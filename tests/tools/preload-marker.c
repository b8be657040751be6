/* Test helper: a library that, once loaded (LD_PRELOAD), appends
 * "PROGRAM UID EUID" to the file named by $CG_MARKER.  The gate test
 * preloads it to prove that the caller's LD_PRELOAD never reaches the
 * setuid gate nor the command `credgate run` starts. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void mark(void)
{
	const char *path = getenv("CG_MARKER");
	int fd;

	if (path == NULL)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return;
	dprintf(fd, "%s %u %u\n", program_invocation_short_name,
		(unsigned)getuid(), (unsigned)geteuid());
	close(fd);
}
