/* Test helper: execve PROGRAM with an empty argument list (argc == 0),
 * as the CVE-2021-4034 (pwnkit) exploit did against pkexec.
 * Usage: exec-noargv PROGRAM */
#include "config.h"
#include <stdio.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	char *empty[] = { NULL };

	if (argc != 2) {
		fputs("usage: exec-noargv PROGRAM\n", stderr);
		return 2;
	}
	execve(argv[1], empty, environ);
	perror(argv[1]);
	return 127;
}
