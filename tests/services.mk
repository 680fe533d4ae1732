## tests/services.mk - the application protocols of pcaps/services.pcap
## (written by pcaps/gen/pcapgen, scen-services.c): SSH and HASSH,
## HTTP, MQTT 3.1.1 and 5, SSDP, FTP and telnet logins without their
## passwords, DNS over TCP, LLDP-MED and CDP, checked fact by fact.
## The capture is listed in PCAPGEN_CAPTURES, its golden records in
## tests/regress.

TESTS += tests/services.sh
EXTRA_DIST += tests/services.sh
