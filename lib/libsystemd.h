/* libsystemd, when the host has it: loaded on first use (dlopen), never
 * a dependency.  The audit events go to the journal through it
 * (audit_journal.c) and the log query reads the journal through it
 * (tools/logq_source.c); without it both do without. */
#ifndef CG_LIBSYSTEMD_H
#define CG_LIBSYSTEMD_H

/* The address of libsystemd's symbol name, or NULL when the library
 * cannot be loaded or lacks it.  The library is opened once per process
 * (thread-safe), by its soname from the system's library path (a setuid
 * program ignores LD_LIBRARY_PATH), and never unloaded: it keeps its
 * socket to the journal open between calls. */
void *cg_libsystemd_sym(const char *name);

#endif
