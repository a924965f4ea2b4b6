#ifndef DIXMGR_CCURL_SHIM_H
#define DIXMGR_CCURL_SHIM_H

#include <curl/curl.h>

#endif
