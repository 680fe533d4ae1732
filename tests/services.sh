#!/bin/sh
# services.sh - the facts put into pcaps/services.pcap (written by
# pcaps/gen/scen-services.c) come out of wardwatch's records (TAP).
#
# wardwatch reads the capture once; each test compares, with jq, what
# the records say against what the generator put on the wire: SSH
# versions and HASSH values (computed here with md5sum from the KEXINIT
# name-lists, as the HASSH description says), HTTP host, user agent and
# Server, MQTT client ids, properties and records by message type, SSDP
# headers, FTP and telnet logins without their passwords, DNS over TCP,
# LLDP-MED and CDP device fields, and each flow's app_proto.  The exact
# records are the golden file tests/regress/expected/services.jsonl.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
WW="${WARDWATCH:-$top_builddir/wardwatch}"
PCAP="$top_srcdir/pcaps/services.pcap"

if ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP jq not installed"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
EVE="$tmp/log/eve.json"

n=0
pass() {
	n=$((n + 1))
	echo "ok $n - $1"
}
fail() {
	n=$((n + 1))
	echo "not ok $n - $1"
}

# check DESCRIPTION FILTER WANT: jq FILTER over the array of all records
# must print WANT (compact JSON).
check() {
	got=$(jq -sc "$2" "$EVE" 2>&1)
	if [ "$got" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		echo "#   want: $3"
		echo "#   got:  $got"
	fi
}

mkdir "$tmp/log"
"$WW" -r "$PCAP" --test-mode --workers 1 -l "$tmp/log" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ -s "$EVE" ]; then
	pass "wardwatch reads services.pcap"
else
	fail "wardwatch reads services.pcap: exit status $rc"
	sed 's/^/# /' "$tmp/out" | head -20
	echo "1..$n"
	exit 0
fi

# --- SSH -------------------------------------------------------------
check "ssh: client and server identification strings" \
    '[.[] | select(.event_type == "ssh") | .ssh | [.client.proto_version,
      .client.software_version, .server.proto_version,
      .server.software_version]]' \
    '[["2.0","OpenSSH_8.4p1","2.0","dropbear_2019.78"]]'

# HASSH (github.com/salesforce/hassh): md5 of "kex;enc;mac;comp", the
# client-to-server lists for the client, server-to-client for the server.
cli_kex='curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,ext-info-c'
cli_enc='chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com'
cli_mac='umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1'
cli_comp='none,zlib@openssh.com,zlib'
srv_kex='curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp521,ecdh-sha2-nistp384,ecdh-sha2-nistp256,diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,kexguess2@matt.ucc.asn.au'
srv_enc='aes128-ctr,aes256-ctr'
srv_mac='hmac-sha1,hmac-sha2-256'
srv_comp='zlib@openssh.com,none'
hassh_str="$cli_kex;$cli_enc;$cli_mac;$cli_comp"
hassh=$(printf '%s' "$hassh_str" | md5sum | cut -d' ' -f1)
check "ssh: HASSH of the client's KEXINIT ($hassh)" \
    '[.[] | select(.event_type == "ssh") | .ssh.client.hassh |
      [.hash, .string]]' \
    "[[\"$hassh\",\"$hassh_str\"]]"
hassh_str="$srv_kex;$srv_enc;$srv_mac;$srv_comp"
hassh=$(printf '%s' "$hassh_str" | md5sum | cut -d' ' -f1)
check "ssh: HASSH-server of the server's KEXINIT ($hassh)" \
    '[.[] | select(.event_type == "ssh") | .ssh.server.hassh |
      [.hash, .string]]' \
    "[[\"$hassh\",\"$hassh_str\"]]"

# --- HTTP ------------------------------------------------------------
# The second request's header block came in two segments.
check "http: host, user agent, Server and status of both requests" \
    '[.[] | select(.event_type == "http") | [.http.http_method,
      .http.url, .http.hostname, .http.http_user_agent,
      .wardwatch.http.server, .http.status]]' \
    '[["GET","/api/v1/devices/PM-ICU-09/config","devconfig.hospital.example","IntelliVue-MX750/M.00.03 (DevCfg/2.1)","nginx/1.22.1",200],["POST","/api/v1/devices/PM-ICU-09/status","devconfig.hospital.example","IntelliVue-MX750/M.00.03 (DevCfg/2.1)","nginx/1.22.1",204]]'

# --- MQTT ------------------------------------------------------------
check "mqtt: client ids, versions and user name and password flags" \
    '[.[] | select(.event_type == "mqtt" and .mqtt.connect) |
      .mqtt.connect | [.client_id, .protocol_version, .flags.username,
      .flags.password]]' \
    '[["VNT-88A04127",4,true,true],["BED-W4-12-5C2A91",5,true,false]]'
# Four PUBLISHes, two to one topic: the first to each topic is logged.
# Successful PUBACKs and PINGREQ/PINGRESP are not logged.
check "mqtt: records by message type" \
    '[.[] | select(.event_type == "mqtt") | .mqtt | keys[]] |
      group_by(.) | map({(.[0]): length}) | add' \
    '{"connack":2,"connect":2,"disconnect":2,"publish":3,"suback":1,"subscribe":1}'
check "mqtt: published topics and subscribed filter" \
    '[.[] | select(.event_type == "mqtt") | .mqtt |
      (.publish.topic // empty), (.subscribe.topics[]? | .topic)]' \
    '["hospital/ward4/vent/VNT-88A04127/cmd/#","hospital/ward4/vent/VNT-88A04127/telemetry","hospital/ward4/vent/VNT-88A04127/alarm","hospital/ward4/bed/12/occupancy"]'
check "mqtt 5: CONNECT properties, will topic and properties, CONNACK" \
    '[.[] | select(.event_type == "mqtt" and
      .mqtt.connect.protocol_version == 5) | .mqtt | [.connect.properties,
      .connect.will, .connack.properties]]' \
    '[[{"session_expiry_interval":3600,"receive_maximum":20,"site":"ward4"},{"topic":"hospital/ward4/bed/12/status","properties":{"will_delay_interval":30,"payload_format_indicator":1,"content_type":"application/json"}},{"topic_alias_maximum":10,"maximum_qos":1}]]'

# --- SSDP ------------------------------------------------------------
usn='uuid:Upnp-BasicDevice-1_0-ACCC8E4A2B11::upnp:rootdevice'
server='Linux/4.14.173-axis8, UPnP/1.0, Portable SDK for UPnP devices/1.8.4'
check "ssdp: the camera's NOTIFY, the M-SEARCH and the camera's answer" \
    '[.[] | select(.event_type == "ssdp") | .ssdp | [.type, .nt // .st,
      .usn, .server, .location]]' \
    "[[\"notify\",\"upnp:rootdevice\",\"$usn\",\"$server\",\"http://10.50.0.40:49152/rootdesc1.xml\"],[\"search\",\"upnp:rootdevice\",null,null,null],[\"response\",\"upnp:rootdevice\",\"$usn\",\"$server\",\"http://10.50.0.40:49152/rootdesc1.xml\"]]"

# --- FTP and telnet --------------------------------------------------
check "ftp: a failed and a successful login" \
    '[.[] | select(.event_type == "ftp") | [.ftp.command_data,
      .ftp.completion_code, .wardwatch.ftp.password_sent,
      .wardwatch.ftp.success]]' \
    '[["biomed",["331","530"],true,false],["biomed",["331","230"],true,true]]'
check "ftp and telnet: no wardwatch.login copy of their objects" \
    '[.[] | select(.event_type == "ftp" or .event_type == "telnet") |
      .wardwatch.login, .telnet.protocol] | unique' \
    '[null]'
check "telnet: a failed and a successful login, nothing after it" \
    '[.[] | select(.event_type == "telnet") | .telnet | [.user,
      .password_sent, .success]]' \
    '[["biomed",true,false],["biomed",true,true]]'

# The passwords (FTP, telnet, MQTT) and MQTT payloads of the capture.
# FTP's and MQTT's are whole in one packet: they must be in the capture
# for their absence from the output to mean anything.
for s in 'Pump#Lib2026' 'pumplib2025' 'Vent!Telemetry2026'; do
	if grep -aqF -e "$s" "$PCAP"; then
		pass "in the capture: $s"
	else
		fail "in the capture: $s"
	fi
done
for s in 'Pump#Lib2026' 'pumplib2025' 'Lab!Gw03-ICU' 'labgw03' \
    'Vent!Telemetry2026' '"state":"offline"' 'MV_LOW' 'siderails_up'; do
	if grep -rqF -e "$s" "$tmp/log"; then
		fail "nowhere in the output: $s"
		grep -rlF -e "$s" "$tmp/log" | sed 's/^/# found in /'
	else
		pass "nowhere in the output: $s"
	fi
done

# --- DNS over TCP ----------------------------------------------------
check "dns over tcp: the three queries" \
    '[.[] | select(.event_type == "dns" and .proto == "TCP" and
      .dns.type == "request") | .dns.queries[].rrname]' \
    '["pumpgw-01.biomed.hospital.example","devconfig.hospital.example","mqtt.biomed.hospital.example"]'
check "dns over tcp: the three answers" \
    '[.[] | select(.event_type == "dns" and .proto == "TCP" and
      .dns.type == "response") | .dns | [.rcode, .answers[].rrname,
      .answers[].rdata]]' \
    '[["NOERROR","pumpgw-01.biomed.hospital.example","10.50.0.20"],["NOERROR","devconfig.hospital.example","10.50.0.5"],["NOERROR","mqtt.biomed.hospital.example","10.50.0.6"]]'
check "dns over tcp: each answer carries its query's id" \
    '[.[] | select(.event_type == "dns") | .dns | select(.type ==
      "request") | .id] == [.[] | select(.event_type == "dns") | .dns |
      select(.type == "response") | .id]' \
    'true'

# --- LLDP and CDP ----------------------------------------------------
check "lldp: the monitor's name, address and LLDP-MED inventory" \
    '[.[] | select(.event_type == "lldp") | .lldp | [.system_name,
      .chassis_id, .management_addresses, .system_capabilities, .med]]' \
    '[["PM-ICU-09","00:09:fb:50:00:31",["10.50.0.31"],["station"],{"device_class":1,"hardware_revision":"A.01","firmware_revision":"B.02.17","software_revision":"M.00.03","serial_number":"DE72109341","manufacturer":"Philips Medical Systems","model":"IntelliVue MX750","asset_id":"BME-004127"}]]'
check "cdp: the switch's device id, platform, port, address and VLAN" \
    '[.[] | select(.event_type == "cdp") | .cdp | [.device_id, .platform,
      .port_id, .addresses, .capabilities, .native_vlan, .ttl,
      (.software_version | startswith("Cisco IOS Software, C2960X"))]]' \
    '[["W4-ACC-SW1.hospital.example","cisco WS-C2960X-48FPD-L","GigabitEthernet1/0/48",["10.50.0.254"],["switch","igmp"],50,180,true]]'

# --- flows -----------------------------------------------------------
check "every flow has its application protocol" \
    '[.[] | select(.event_type == "flow") |
      "\(.proto) \(.dest_port) \(.app_proto)"] | sort' \
    '["TCP 1883 mqtt","TCP 1883 mqtt","TCP 21 ftp","TCP 22 ssh","TCP 23 telnet","TCP 53 dns","TCP 80 http","UDP 1900 ssdp","UDP 1900 ssdp","UDP 50123 ssdp"]'
check "no anomaly and no parse error" \
    '[(.[] | select(.event_type == "anomaly")),
      ([.[] | select(.event_type == "stats")] | last |
      .wardwatch.counters["app.parse_errors"] | select(. != 0))] |
      length' \
    '0'

echo "1..$n"
