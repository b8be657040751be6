dist_man_MANS += man/pam_credgate.8
