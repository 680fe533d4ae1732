## man/local.mk
dist_man_MANS += man/wardwatch.yaml.5
