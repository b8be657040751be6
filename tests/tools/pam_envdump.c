/* Test helper: a PAM module that writes the process environment and
 * the real and effective uid to the file named by its argument, so the
 * gate test can see exactly what reaches the privileged part.  Never
 * installed.  "auth optional /abs/pam_envdump.so FILE" */
#include "config.h"
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#define PAM_SM_AUTH
#include <security/pam_modules.h>

extern char **environ;

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	int fd;

	(void)pamh; (void)flags;
	if (argc != 1)
		return PAM_IGNORE;
	fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return PAM_IGNORE;
	dprintf(fd, "uid=%u euid=%u\n", (unsigned)getuid(), (unsigned)geteuid());
	for (char **e = environ; e != NULL && *e != NULL; e++)
		dprintf(fd, "env %s\n", *e);
	close(fd);
	return PAM_IGNORE;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc,
			      const char **argv)
{
	(void)pamh; (void)flags; (void)argc; (void)argv;
	return PAM_IGNORE;
}
