#ifndef DIXMGR_CCURL_SHIM_H
#define DIXMGR_CCURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt is variadic, which Swift cannot call; these typed wrappers can be.

typedef size_t (*dix_curl_read_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode dix_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

static inline CURLcode dix_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode dix_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode dix_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode dix_curl_setopt_list(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode dix_curl_setopt_read_function(CURL *handle, dix_curl_read_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

#endif
