## pcaps/gen/local.mk
