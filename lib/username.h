/* The user-name rule: which names credgate accepts for a state file, a
 * role member (user or %group) and an audit subject.  One rule, so a
 * member the policy accepts always has a name the store can hold. */
#ifndef CG_USERNAME_H
#define CG_USERNAME_H
#include <stdbool.h>

/* 1..CG_USER_NAME_LEN bytes of [A-Za-z0-9_.@-] (and '\\' for
 * DOMAIN\\user), not starting with '.' or '-'.  The length keeps the
 * files store's temp name ".USER.tmp" and lock name ".USER.lock" within
 * NAME_MAX; names starting with '.' are never user names, so those files
 * cannot collide with a state file. */
#define CG_USER_NAME_LEN 240
bool cg_user_name_valid(const char *user);

#endif
