#!/bin/sh
# camgate — Mosquitto dynamic-security roles, one per gateway (#13 item 11).
#
# Mosquitto's acl_file grants every SUBSCRIBE and only filters delivery; the dynamic-security
# plugin answers a SUBSCRIBE outside a client's roles with a failure SUBACK (0x87), but in
# Mosquitto 2.0 its ACLs have no %u substitution (eclipse-mosquitto/mosquitto#2222; added for 2.1,
# #3191). So every gateway needs its own role with its literal topics: this script makes it, the
# same role as config/mosquitto-dynsec.example.json shows for korosten-01/nvr-01.
#
# Usage (mosquitto_ctrl connection options first, as mosquitto_ctrl takes them):
#   mosquitto-dynsec-gateway.sh [mosquitto_ctrl options] gateway SITE_ID GATEWAY_ID
#   mosquitto-dynsec-gateway.sh [mosquitto_ctrl options] centre [USERNAME]     (default: centre)
# e.g.
#   mosquitto_ctrl dynsec init /var/lib/mosquitto/dynamic-security.json admin   # once, offline
#   mosquitto-dynsec-gateway.sh -u admin centre
#   mosquitto-dynsec-gateway.sh -u admin gateway korosten-01 nvr-01
#   mosquitto_ctrl -u admin dynsec setClientPassword korosten-01/nvr-01        # prompts
#
# Passwords are never given on a command line here (readable by every local user): createClient
# prompts for one (return: none yet; set it later with setClientPassword, which prompts too). The
# client is bound to the client id "{site}/{gateway}" (camgate's default mqtt.clientId), so nobody
# else can take over its session.
set -eu

usage() {
  echo "usage: $0 [mosquitto_ctrl options] gateway SITE_ID GATEWAY_ID | centre [USERNAME]" >&2
  exit 2
}

# Everything before the mode word is passed to mosquitto_ctrl (-h, -p, -u, -P, --cafile, -o ...).
n=0
for a in "$@"; do
  case "$a" in gateway | centre) break ;; esac
  n=$((n + 1))
done
[ "$n" -lt "$#" ] || usage
ctrl_opts=""
i=0
for a in "$@"; do
  [ "$i" -lt "$n" ] || break
  ctrl_opts="$ctrl_opts '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
  i=$((i + 1))
done
shift "$n"
mode=$1
shift

ctrl() {
  eval "mosquitto_ctrl $ctrl_opts dynsec \"\$@\""
}

# An id must be one topic level: no '/', '+', '#' or NUL (the same rule as camgate's config).
valid_id() {
  case "$1" in '' | */* | *+* | *'#'*) return 1 ;; esac
  return 0
}

# The roles below bind only while the default is to refuse sending and subscribing (as `dynsec
# init` leaves it). Checked, not set: on 2.0.11 `setDefaultACLAccess` answers success and changes
# nothing. Receiving stays allowed by default there, which is harmless: a client receives only
# what it could subscribe to.
check_defaults() {
  defaults=$(ctrl getDefaultACLAccess 2>/dev/null) || {
    echo "$0: mosquitto_ctrl could not reach the broker's dynamic-security plugin" >&2
    exit 1
  }
  for acl in publishClientSend subscribe; do
    printf '%s\n' "$defaults" | grep -Eq "^$acl +: deny" || {
      echo "$0: the broker's default $acl access is not deny; per-gateway roles would not bind" >&2
      exit 1
    }
  done
}

case "$mode" in
gateway)
  [ "$#" -eq 2 ] || usage
  valid_id "$1" && valid_id "$2" || {
    echo "$0: site and gateway ids must be one topic level (no / + #): '$1' '$2'" >&2
    exit 2
  }
  check_defaults
  user="$1/$2"
  role="gateway:$user"
  base="camgate/v1/$user"
  ctrl createRole "$role"
  for t in status "cameras/+/state" events metrics summary "cmd-resp/+"; do
    ctrl addRoleACL "$role" publishClientSend "$base/$t" allow
  done
  ctrl addRoleACL "$role" subscribePattern "$base/cmd/+" allow
  ctrl addRoleACL "$role" publishClientReceive "$base/cmd/+" allow
  # The centre's handshake topic (mqtt.centreStateTopic), readable by every gateway.
  ctrl addRoleACL "$role" subscribePattern camgate/v1/centre/state allow
  ctrl addRoleACL "$role" publishClientReceive camgate/v1/centre/state allow
  ctrl createClient "$user" -c "$user"
  ctrl addClientRole "$user" "$role"
  echo "gateway $user: client and role $role made"
  ;;
centre)
  [ "$#" -le 1 ] || usage
  check_defaults
  user=${1:-centre}
  ctrl createRole centre
  ctrl addRoleACL centre subscribePattern "camgate/v1/#" allow
  ctrl addRoleACL centre publishClientReceive "camgate/v1/#" allow
  ctrl addRoleACL centre subscribePattern "\$share/centre/camgate/v1/#" allow
  ctrl addRoleACL centre publishClientSend "camgate/v1/+/+/cmd/+" allow
  ctrl addRoleACL centre publishClientSend camgate/v1/centre/state allow
  ctrl createClient "$user"
  ctrl addClientRole "$user" centre
  echo "centre $user: client and role centre made"
  ;;
*) usage ;;
esac
