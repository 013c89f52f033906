# Shell functions the set-up scripts share; source it, do not run it.

log() { printf '==> %s\n' "$*"; }

# apt_install installs Debian packages, which needs root; without it, it
# says what to install and exits.
apt_install() {
	if [ "$(id -u)" != 0 ]; then
		echo "missing packages: $*; install them as root: apt-get install -y $*" >&2
		exit 1
	fi
	log "installing $*"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
