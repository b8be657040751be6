/* libFuzzer target for the policy parser: arbitrary bytes through
 * cg_config_parse_buffer, cg_config_validate and cg_config_free.
 *
 * The input is split at its first 0xff byte (never valid in a policy,
 * which must be UTF-8) into a main file and a drop-in, so that sections
 * repeated across files and cross-file role references are reached too.
 * Besides memory errors (ASan), it checks what every caller relies on:
 * an error always has a printable message and a line within the input,
 * and a success leaves only valid, cross-checked names. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			abort();
}

static void check_success(const struct cg_config *cfg)
{
	for (size_t i = 0; i < cfg->nroles; i++) {
		if (!cg_config_name_valid(cfg->roles[i].name) ||
		    cfg->roles[i].nmembers == 0)
			abort();
	}
	for (size_t i = 0; i < cfg->ncredentials; i++) {
		const struct cg_credential *c = &cfg->credentials[i];

		if (!cg_config_name_valid(c->name) || c->path == NULL ||
		    c->path[0] != '/' || c->nroles == 0)
			abort();
		for (size_t j = 0; j < c->nroles; j++)
			if (cg_config_role(cfg, c->roles[j]) == NULL)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep = memchr(data, 0xff, size);
	size_t main_len = sep != NULL ? (size_t)(sep - data) : size;
	struct cg_config *cfg = cg_config_new();
	struct cg_diag diag;
	char line[PATH_MAX + 300];
	cg_err err;

	if (cfg == NULL)
		return 0;
	err = cg_config_parse_buffer(cfg, "main.conf", (const char *)data,
				     main_len, &diag);
	if (err == CG_OK && sep != NULL)
		err = cg_config_parse_buffer(cfg, "drop.conf",
					     (const char *)sep + 1,
					     size - main_len - 1, &diag);
	if (err == CG_OK)
		err = cg_config_validate(cfg, &diag);
	if (err == CG_OK) {
		check_success(cfg);
	} else {
		/* A line number can never exceed the bytes given. */
		if (diag.line > size + 1 || diag.message[0] == '\0')
			abort();
		check_printable(diag.message);
		cg_diag_format(&diag, line, sizeof(line));
		check_printable(line);
	}
	cg_config_free(cfg);
	return 0;
}
