#!/bin/sh
# Install the Debian packages named as arguments that are not installed yet.
# Quiet and quick when everything is there; apt-get through sudo when not root.
missing=
for p in "$@"; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case $s in
	*" installed") ;;
	*) case " $missing " in *" $p "*) ;; *) missing="$missing $p" ;; esac ;;
	esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! { $sudo apt-get update -qq >&2 &&
	$sudo apt-get install -y -qq $missing >&2; }; then
	echo "deps: could not install:$missing" >&2
	exit 2
fi
