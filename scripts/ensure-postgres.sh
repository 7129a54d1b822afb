#!/usr/bin/env bash
# ensure-postgres.sh: make sure a PostgreSQL server Journey can use is reachable.
#
# Default (no DATABASE_URL / TEST_DATABASE_URL, or they point at this machine):
#   a local server at 127.0.0.1:5432 that lets user "postgres" in without a
#   password (trust auth), plus a "journey" database. The script handles:
#     a) server already running and accepting connections -> nothing to do;
#     b) server installed but stopped -> start it (creating the cluster if
#        there is none);
#     c) server not installed -> apt-get install postgresql, then start it.
#   If the server wants a password for TCP connections from 127.0.0.1 / ::1
#   (Debian's default pg_hba.conf uses scram-sha-256), those lines are switched
#   to "trust". This is ONLY meant for a local development/test server.
#
# If DATABASE_URL or TEST_DATABASE_URL points at another host, nothing is set
# up for it: the script only checks it is reachable and fails if it is not.
#
# Database created when missing: the one named in DATABASE_URL when that points
# at this machine (the Makefile's default is .../journey), or "journey" when
# DATABASE_URL is unset. Same for a local TEST_DATABASE_URL's database.
#
# Safe to run any number of times. Needs root (or sudo) only for the steps that
# install, create, start or reconfigure the server.
set -euo pipefail

readonly PG_HOST=127.0.0.1
readonly PG_PORT=5432
readonly PG_USER=postgres
readonly DEFAULT_DB=journey
readonly FALLBACK_VERSION=15
readonly READY_TIMEOUT=30

log() { printf 'ensure-postgres: %s\n' "$*"; }
warn() { printf 'ensure-postgres: WARNING: %s\n' "$*" >&2; }
die() {
	printf 'ensure-postgres: ERROR: %s\n' "$*" >&2
	exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

# Print a command the way it would be typed into a shell.
quote_cmd() {
	local out
	printf -v out '%q ' "$@"
	printf '%s' "${out% }"
}

# True when commands can be run as root (we are root, or sudo works).
SUDO_OK=
can_root() {
	[[ $EUID -eq 0 || -n $SUDO_OK ]] && return 0
	have sudo || return 1
	# Never wait for a password prompt when nobody can answer it.
	if [[ ! -t 0 || -n ${CI:-} ]]; then
		sudo -n true 2>/dev/null || return 1
	else
		sudo true || return 1
	fi
	SUDO_OK=1
}

# Die unless root is available, saying exactly what to run by hand.
require_root() {
	can_root || die "need root to $1, but this is not root and sudo is not available (or wants a password).
  Run as root:  $2
  then run this script again (or run the whole script as root)."
}

# Run a command as root: directly when we are root, else through sudo.
# Dies (saying which command to run by hand) when root is not available;
# otherwise returns the command's own exit status.
run_root() {
	require_root "run '$1'" "$(quote_cmd "$@")"
	if [[ $EUID -eq 0 ]]; then
		"$@"
	else
		sudo -n "$@"
	fi
}

# Hide the password part of a connection string before printing it.
redact() {
	printf '%s' "$1" | sed -E -e 's#(://[^:/@]*:)[^@]*@#\1***@#' -e 's#(password=)[^[:space:]&]*#\1***#g'
}

# Print the host(s) of a libpq connection string (URI or key=value), one a line.
# An empty line means "default", i.e. the local Unix socket.
url_hosts() {
	local url=$1 rest query authority hostlist="" item kv
	case $url in
	postgres://* | postgresql://*)
		rest=${url#*://}
		query=""
		if [[ $rest == *\?* ]]; then
			query=${rest#*\?}
			rest=${rest%%\?*}
		fi
		authority=${rest%%/*}
		authority=${authority##*@}
		hostlist=$authority
		# A host=... query parameter overrides the host in the authority.
		local -a kvs=()
		IFS='&' read -r -a kvs <<<"$query"
		for kv in "${kvs[@]}"; do
			if [[ $kv == host=* ]]; then
				hostlist=${kv#host=}
			fi
		done
		;;
	*)
		if [[ $url =~ (^|[[:space:]])host[[:space:]]*=[[:space:]]*\'?([^\'[:space:]]*) ]]; then
			hostlist=${BASH_REMATCH[2]}
		fi
		;;
	esac
	local -a hosts=()
	IFS=',' read -r -a hosts <<<"$hostlist"
	if [[ ${#hosts[@]} -eq 0 ]]; then
		echo ""
		return
	fi
	for item in "${hosts[@]}"; do
		if [[ $item == \[* ]]; then
			item=${item#\[}
			item=${item%%\]*}
		elif [[ $item != *:*:* ]]; then
			item=${item%%:*} # strip :port (but not from a bare IPv6 address)
		fi
		echo "$item"
	done
}

# True when every host in the connection string is this machine.
is_local_url() {
	local h
	while IFS= read -r h; do
		case ${h,,} in
		"" | localhost | 127.0.0.1 | ::1 | /* | %2f*) ;;
		*) return 1 ;;
		esac
	done < <(url_hosts "$1")
	return 0
}

# Print the database name of a connection string ("" when it has none).
url_dbname() {
	local url=$1 rest
	case $url in
	postgres://* | postgresql://*)
		rest=${url#*://}
		rest=${rest%%\?*}
		if [[ $rest == */* ]]; then
			printf '%s' "${rest#*/}"
		fi
		;;
	*)
		if [[ $url =~ (^|[[:space:]])dbname[[:space:]]*=[[:space:]]*\'?([^\'[:space:]]*) ]]; then
			printf '%s' "${BASH_REMATCH[2]}"
		fi
		;;
	esac
}

# psql against the local server as postgres over TCP; never prompts.
local_psql() {
	LC_ALL=C PGCONNECT_TIMEOUT=5 psql -X -w -q -v ON_ERROR_STOP=1 -tA \
		-h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"
}

# Try `select 1` on the local server; the error text is left in CONNECT_ERR.
CONNECT_ERR=
try_connect() {
	CONNECT_ERR=$(local_psql -c 'select 1' 2>&1 >/dev/null)
}

is_auth_error() {
	[[ ${CONNECT_ERR,,} =~ auth|password|pg_hba ]]
}

pg_ready() {
	have pg_isready && pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
}

wait_ready() {
	local deadline=$((SECONDS + READY_TIMEOUT))
	while ((SECONDS < deadline)); do
		if pg_ready; then
			return 0
		fi
		sleep 1
	done
	pg_ready
}

server_installed() {
	have pg_ctlcluster && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null
}

apt_get() {
	run_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 "$@"
}

# Install Debian packages; on failure refresh the package lists and retry once.
apt_install() {
	have apt-get || die "apt-get not found, so $* cannot be installed automatically (this script knows Debian/Ubuntu only).
  Install PostgreSQL yourself and make it listen on $PG_HOST:$PG_PORT with trust auth for user $PG_USER,
  or point DATABASE_URL / TEST_DATABASE_URL at a server you already have."
	log "installing: $* (apt-get install -y $*)"
	if apt_get install -y "$@"; then
		hash -r
		return 0
	fi
	log "apt-get install failed; running apt-get update and trying again"
	apt_get update || die "apt-get update failed (no network to the Debian mirrors?). Fix that, then run: apt-get install -y $*"
	apt_get install -y "$@" || die "apt-get install -y $* failed; see the apt output above."
	hash -r
}

# Info about one cluster from pg_lsclusters: prints "<port> <status>".
cluster_info() {
	pg_lsclusters -h "$1" main 2>/dev/null | awk 'NR == 1 { print $3, $4 }'
}

# Subdirectory names of $1 (PostgreSQL versions), newest first.
versions_in() {
	local d
	for d in "$1"/*/; do
		[[ -d $d ]] || continue
		d=${d%/}
		printf '%s\n' "${d##*/}"
	done | sort -V -r
}

# Which PostgreSQL version's "main" cluster to use. Prefers a configured version
# whose main cluster is on port 5432, then the newest configured version, then
# the newest installed server, then $FALLBACK_VERSION.
pick_version() {
	local v info
	local -a configured=()
	if [[ -d /etc/postgresql ]]; then
		while IFS= read -r v; do
			if [[ -n $v && -x /usr/lib/postgresql/$v/bin/postgres ]]; then
				configured+=("$v")
			fi
		done < <(versions_in /etc/postgresql)
	fi
	for v in "${configured[@]}"; do
		info=$(cluster_info "$v")
		if [[ ${info%% *} == "$PG_PORT" ]]; then
			echo "$v"
			return
		fi
	done
	if [[ ${#configured[@]} -gt 0 ]]; then
		echo "${configured[0]}"
		return
	fi
	while IFS= read -r v; do
		if [[ -n $v && -x /usr/lib/postgresql/$v/bin/postgres ]]; then
			echo "$v"
			return
		fi
	done < <(versions_in /usr/lib/postgresql)
	echo "$FALLBACK_VERSION"
}

show_log() {
	local logfile="/var/log/postgresql/postgresql-$1-main.log"
	warn "last lines of $logfile:"
	run_root tail -n 20 "$logfile" >&2 || true
}

ensure_cluster() {
	local v=$1
	if [[ -n $(cluster_info "$v") ]]; then
		return
	fi
	log "no PostgreSQL $v cluster \"main\" exists; creating it (pg_createcluster -p $PG_PORT $v main)"
	if run_root pg_createcluster -p "$PG_PORT" "$v" main; then
		return
	fi
	# Most common cause on minimal machines: the current locale is not installed.
	warn "pg_createcluster failed; retrying with --locale=C.UTF-8"
	run_root pg_dropcluster "$v" main >/dev/null 2>&1 || true
	run_root pg_createcluster -p "$PG_PORT" --locale=C.UTF-8 "$v" main ||
		die "could not create the cluster. Run by hand to see why: pg_createcluster -p $PG_PORT $v main"
}

start_cluster() {
	local v=$1 info port status
	info=$(cluster_info "$v")
	port=${info%% *}
	status=${info#* }
	if [[ $port != "$PG_PORT" ]]; then
		die "PostgreSQL $v cluster \"main\" is configured for port $port, not $PG_PORT.
  Either point DATABASE_URL / TEST_DATABASE_URL at port $port, or move it to $PG_PORT:
  pg_conftool $v main set port $PG_PORT && pg_ctlcluster --skip-systemctl-redirect $v main restart"
	fi
	if [[ $status == online* ]]; then
		log "PostgreSQL $v cluster \"main\" is already running"
		return
	fi
	log "starting PostgreSQL $v cluster \"main\" (pg_ctlcluster --skip-systemctl-redirect $v main start)"
	if ! run_root pg_ctlcluster --skip-systemctl-redirect "$v" main start; then
		show_log "$v"
		die "could not start PostgreSQL $v cluster \"main\"; see the log above."
	fi
}

# Switch pg_hba.conf's TCP lines for 127.0.0.1/32 and ::1/128 to trust.
# Local development/test servers only: anyone on this machine can then log in
# as any database user without a password.
trust_local_tcp() {
	local v=$1 hba="/etc/postgresql/$1/main/pg_hba.conf"
	local note='ensure-postgres.sh: trust is for a local development/test server only'
	local expr="s%^([[:space:]]*host(ssl|nossl)?[[:space:]]+all[[:space:]]+all[[:space:]]+(127\\.0\\.0\\.1/32|::1/128)[[:space:]]+)[^[:space:]#]+.*\$%\\1trust    # $note%"
	warn "the server wants a password for TCP connections from this machine:"
	warn "  $CONNECT_ERR"
	[[ -f $hba ]] || die "$hba does not exist, so it cannot be switched to trust.
  Set DATABASE_URL / TEST_DATABASE_URL with a user and password instead."
	require_root "switch $hba to trust" \
		"sed -i -E '$expr' $hba && pg_ctlcluster --skip-systemctl-redirect $v main reload"
	log "switching the 127.0.0.1/32 and ::1/128 host lines in $hba to trust (for a local development/test server only; backup: $hba.ensure-postgres.bak)"
	if ! run_root test -e "$hba.ensure-postgres.bak"; then
		run_root cp -p "$hba" "$hba.ensure-postgres.bak"
	fi
	run_root sed -i -E -e "$expr" "$hba" || die "could not edit $hba"
	reload_and_retry "$v" && return 0

	# No such lines, or an earlier line still matches first: put ours on top.
	log "host lines alone did not help; adding trust lines for 127.0.0.1/32 and ::1/128 at the top of $hba"
	run_root sed -i \
		-e "1i # Added by $note." \
		-e "1i host all all 127.0.0.1/32 trust" \
		-e "1i host all all ::1/128 trust" \
		"$hba" || die "could not edit $hba"
	reload_and_retry "$v" && return 0
	die "still cannot connect as $PG_USER to $PG_HOST:$PG_PORT after switching pg_hba.conf to trust:
  $CONNECT_ERR"
}

reload_and_retry() {
	local v=$1 i
	run_root pg_ctlcluster --skip-systemctl-redirect "$v" main reload ||
		die "could not reload PostgreSQL $v cluster \"main\""
	for ((i = 0; i < 10; i++)); do
		if try_connect; then
			return 0
		fi
		sleep 0.5
	done
	return 1
}

check_remote() {
	local name=$1 url=$2 err
	log "$name points at another machine ($(redact "$url")); only checking that it is reachable"
	if ! err=$(LC_ALL=C PGCONNECT_TIMEOUT=10 psql -X -w -q -tA -d "$url" -c 'select 1' 2>&1 >/dev/null); then
		die "cannot connect to $name ($(redact "$url")):
  $err
  Fix the address / credentials / network, or unset $name to use a local server at $PG_HOST:$PG_PORT."
	fi
	log "$name is reachable"
}

ensure_local_server() {
	if have psql && try_connect; then
		log "PostgreSQL is running and accepts $PG_USER at $PG_HOST:$PG_PORT; nothing to start"
		return
	fi
	if have psql && pg_ready && ! server_installed; then
		die "a server is listening at $PG_HOST:$PG_PORT but psql cannot log in as $PG_USER, and it is not a
  Debian-managed PostgreSQL this script can reconfigure:
  $CONNECT_ERR
  Set DATABASE_URL / TEST_DATABASE_URL with credentials for it, or stop it so a local server can be set up."
	fi
	if ! server_installed; then
		log "PostgreSQL server is not installed"
		apt_install postgresql
	fi
	if ! have psql || ! have pg_isready; then
		apt_install postgresql-client
	fi

	local v
	v=$(pick_version)
	log "using PostgreSQL $v, cluster \"main\""
	ensure_cluster "$v"
	start_cluster "$v"

	log "waiting (up to ${READY_TIMEOUT}s) for $PG_HOST:$PG_PORT to accept connections"
	if ! wait_ready; then
		show_log "$v"
		die "PostgreSQL $v did not accept connections at $PG_HOST:$PG_PORT within ${READY_TIMEOUT}s.
  Check listen_addresses / port in /etc/postgresql/$v/main/postgresql.conf and the log above."
	fi

	if try_connect; then
		log "PostgreSQL $v is up at $PG_HOST:$PG_PORT"
		return
	fi
	if is_auth_error; then
		trust_local_tcp "$v"
		log "PostgreSQL $v is up at $PG_HOST:$PG_PORT; user $PG_USER connects without a password"
		return
	fi
	die "PostgreSQL $v is accepting connections but psql -h $PG_HOST -p $PG_PORT -U $PG_USER failed:
  $CONNECT_ERR"
}

ensure_database() {
	local db=$1 exists err
	if [[ ! $db =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]]; then
		warn "not creating database '$db' automatically (unusual name); create it yourself if it is missing"
		return
	fi
	exists=$(local_psql -c "select 1 from pg_database where datname = '$db'") ||
		die "could not list databases on $PG_HOST:$PG_PORT"
	if [[ $exists == 1 ]]; then
		log "database $db exists"
		return
	fi
	log "creating database $db (createdb -h $PG_HOST -U $PG_USER $db)"
	if ! err=$(LC_ALL=C createdb -w -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$db" 2>&1); then
		# Another run may have created it in the meantime.
		exists=$(local_psql -c "select 1 from pg_database where datname = '$db'") || true
		[[ $exists == 1 ]] || die "createdb $db failed: $err"
	fi
}

check_local_url() {
	local name=$1 url=$2 err
	if ! err=$(LC_ALL=C PGCONNECT_TIMEOUT=5 psql -X -w -q -tA -d "$url" -c 'select 1' 2>&1 >/dev/null); then
		die "the local server is up, but $name ($(redact "$url")) does not connect:
  $err"
	fi
}

main() {
	local db_url=${DATABASE_URL:-} test_url=${TEST_DATABASE_URL:-}
	local need_local=0 name url
	local -a remote=() local_urls=()

	for name in DATABASE_URL TEST_DATABASE_URL; do
		url=${!name:-}
		[[ -n $url ]] || continue
		if is_local_url "$url"; then
			local_urls+=("$name")
			need_local=1
		else
			remote+=("$name")
		fi
	done
	# Nothing configured: the bot's default is the local server.
	if [[ -z $db_url && -z $test_url ]]; then
		need_local=1
	fi

	if [[ ${#remote[@]} -gt 0 ]]; then
		have psql || apt_install postgresql-client
		for name in "${remote[@]}"; do
			check_remote "$name" "${!name}"
		done
	fi
	if [[ $need_local -eq 0 ]]; then
		log "done (no local server needed)"
		return
	fi

	ensure_local_server

	local db
	if [[ -z $db_url ]]; then
		ensure_database "$DEFAULT_DB"
	elif is_local_url "$db_url"; then
		db=$(url_dbname "$db_url")
		[[ -z $db ]] || ensure_database "$db"
	fi
	if [[ -n $test_url ]] && is_local_url "$test_url"; then
		db=$(url_dbname "$test_url")
		[[ -z $db || $db == "$(url_dbname "$db_url")" ]] || ensure_database "$db"
	fi
	for name in "${local_urls[@]}"; do
		check_local_url "$name" "${!name}"
	done
	log "ready: postgres://$PG_USER@$PG_HOST:$PG_PORT (trust auth)"
}

main "$@"
