# A week of a host's auth.log around a leaked SMTP password, as
# rsyslog writes it (traditional timestamps, no year): lines of sshd,
# sudo, su and the gate, the module in each, the enrollment tool, two
# rotations (puts) of smtp, a line forged with logger(1) and one with an
# injected second result=.  Sourced by log.sh.
#   log_sample DIR   writes DIR/auth.log.2.gz, DIR/auth.log.1, DIR/auth.log
#                    with the modification times logrotate would leave
log_sample() {
	d=$1
	cat >"$d/auth.log.2" <<'LOG'
Apr 28 09:00:00 gw sshd[1000]: Accepted publickey for alice from 10.0.0.5 port 40000 ssh2: ED25519 SHA256:abc
Apr 28 09:00:10 gw credgate[1001]: pam_credgate(credgate:auth): event=auth result=granted reason=code user=alice credential=smtp service=credgate tty=pts/0 rhost=-
Apr 28 09:00:10 gw credgate[1001]: pam_credgate(credgate:account): event=access result=granted reason=granted user=alice credential=smtp role=mail service=credgate tty=pts/0 rhost=-
Apr 28 09:00:10 gw credgate[1001]: event=access result=granted reason=delivered user=alice credential=smtp service=credgate tty=pts/0 rhost=- detail=cat
Apr 28 12:00:00 gw credgate[1010]: event=rotate result=granted reason=replaced user=carol by_login=carol credential=smtp old_fp=1111111111111111 new_fp=2222222222222222 size=40 service=credgate tty=pts/3 rhost=-
Apr 29 08:00:00 gw sudo[1020]:      bob : TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/systemctl restart postfix
Apr 29 08:00:05 gw sudo[1020]: pam_credgate(sudo:auth): event=auth result=granted reason=code user=bob service=sudo tty=/dev/pts/1 rhost=-
Apr 29 09:30:00 gw credgate[1030]: event=access result=granted reason=delivered user=bob credential=smtp service=credgate tty=pts/1 rhost=- detail=run
LOG
	cat >"$d/auth.log.1" <<'LOG'
Apr 30 10:00:00 gw su[1040]: pam_credgate(su:auth): event=auth result=denied reason=bad_code user=dave service=su tty=pts/4 rhost=-
Apr 30 10:00:01 gw su[1040]: pam_unix(su:auth): authentication failure; logname=dave uid=1004 euid=0 tty=/dev/pts/4 ruser=dave rhost=  user=root
Apr 30 10:05:00 gw credgate[1050]: event=access result=granted reason=delivered user=alice credential=smtp service=credgate tty=pts/0 rhost=- detail=cat
Apr 30 10:06:00 gw credgate[1051]: pam_credgate(credgate:account): event=access result=denied reason=not_in_role user=eve credential=smtp service=credgate tty=pts/5 rhost=-
Apr 30 11:00:00 gw credgate[1060]: event=access result=granted reason=delivered user=alice credential=api service=credgate tty=pts/0 rhost=- detail=cat
Apr 30 23:59:59 gw mallory: event=access result=granted reason=delivered user=mallory credential=smtp service=credgate tty=- rhost=-
LOG
	cat >"$d/auth.log" <<'LOG'
May  1 07:00:00 gw sshd[1070]: pam_credgate(sshd:auth): event=auth result=denied reason=bad_code user=bob service=sshd tty=ssh rhost=203.0.113.9
May  1 07:00:00 gw sshd[1070]: message repeated 2 times: [ pam_credgate(sshd:auth): event=auth result=denied reason=bad_code user=bob service=sshd tty=ssh rhost=203.0.113.9]
May  1 08:00:00 gw credgate[1080]: event=access result=granted reason=delivered user=bob credential=smtp service=credgate tty=pts/1 rhost=- detail=cat
May  1 08:30:00 gw credgate[1081]: event=access result=denied reason=not_in_role user="eve result=granted" credential=smtp service=credgate tty=- rhost=-
May  1 08:31:00 gw credgate[1082]: event=access result=denied reason=not_in_role user=eve credential=smtp service=credgate tty=- rhost=- result=granted
May  1 09:00:00 gw credgate[1090]: event=rotate result=granted reason=replaced user=carol by_login=carol credential=smtp old_fp=2222222222222222 new_fp=3333333333333333 size=41 service=credgate tty=pts/3 rhost=-
May  1 09:10:00 gw credgate[1091]: event=access result=granted reason=delivered user=alice credential=smtp service=credgate tty=pts/0 rhost=- detail=cat
May  1 09:20:00 gw credgate-enroll[1100]: event=revoke result=ok user=bob by=root by_login=carol
LOG
	gzip -n "$d/auth.log.2"
	TZ=UTC touch -d '2024-04-30 00:00:00' "$d/auth.log.2.gz"
	TZ=UTC touch -d '2024-05-01 00:00:00' "$d/auth.log.1"
	TZ=UTC touch -d '2024-05-02 00:00:00' "$d/auth.log"
}
