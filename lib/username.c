/* The user-name rule (see username.h). */
#include "config.h"
#include <stddef.h>
#include <string.h>
#include "username.h"

bool cg_user_name_valid(const char *user)
{
	size_t n = 0;

	if (user == NULL || user[0] == '.' || user[0] == '-')
		return false;
	for (const char *p = user; *p != '\0'; p++, n++) {
		char c = *p;

		if (n >= CG_USER_NAME_LEN ||
		    !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || strchr("_.@-\\", c) != NULL))
			return false;
	}
	return n > 0;
}
