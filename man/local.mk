## man/local.mk - manual pages; tests/manlint.sh checks them with mandoc.
dist_man_MANS += man/wardwatch.8
dist_man_MANS += man/wardwatch.yaml.5
dist_man_MANS += man/wardwatch-events.7
dist_man_MANS += man/wardwatch-devices.7
dist_man_MANS += man/wardwatch-rules.7
dist_man_MANS += man/wardwatch-policy.5
