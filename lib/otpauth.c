/* placeholder: being written */
#include "config.h"
typedef int cg_placeholder_otpauth;
