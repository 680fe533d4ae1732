/*
 * dpi-ndpi.h - nDPI's headers as app/dpi.c includes them, with the
 * module's layout (for its copy of nDPI 4.2's line parser), for dpi.c
 * and the test that holds that copy against nDPI's own.  Nothing else
 * includes nDPI.
 *
 * 4.2 shows the module's layout only to its own sources
 * (NDPI_LIB_COMPILATION).  Its ndpi_config.h (HAVE_* macros that would
 * clash with ours) is skipped; of what it sets, only
 * NDPI_ENABLE_DEBUG_MESSAGES moves fields, and Debian builds without
 * it.  dpi.c's dpi_lines_check() confirms the layout on the running
 * library before any use.
 */
#ifndef WW_DPI_NDPI_H
#define WW_DPI_NDPI_H

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wpedantic"
#define NDPI_LIB_COMPILATION	1
#define _NDPI_CONFIG_H_		1
#include <ndpi_api.h>
#pragma GCC diagnostic pop

#endif
