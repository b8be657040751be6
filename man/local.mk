dist_man_MANS += man/pam_credgate.8
dist_man_MANS += man/credgate-enroll.8
dist_man_MANS += man/credgate.1
dist_man_MANS += man/credgate.conf.5
