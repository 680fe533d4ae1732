## tests/corpus-devices.mk - the device inventory of the real captures
## in ../shared/corpus/iot-devices against the IEEE registry and their
## DHCP ground truth, and what the corpus shows must never be a device
## (skipped when the corpus is absent).

TESTS += tests/corpus-devices.sh
EXTRA_DIST += tests/corpus-devices.sh tests/corpus-devices.py

TESTS += tests/corpus-inventory.sh
EXTRA_DIST += tests/corpus-inventory.sh

TESTS += tests/lldp-devices.sh
EXTRA_DIST += tests/lldp-devices.sh
