## tests/ward.mk - the labelled ward scenario: the device inventory of
## pcaps/ward.pcap scored against pcaps/ward.truth.  Both files are
## written by pcaps/gen/pcapgen (scen-ward.c); the capture is listed in
## PCAPGEN_CAPTURES, the truth here.

TESTS += tests/ward.sh
EXTRA_DIST += tests/ward.sh pcaps/ward.truth

TESTS += tests/devices-state.sh tests/state-failures.sh tests/table-flood.sh
EXTRA_DIST += tests/devices-state.sh tests/state-failures.sh tests/table-flood.sh
TESTS += tests/continued-state.sh
EXTRA_DIST += tests/continued-state.sh
