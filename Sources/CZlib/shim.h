#ifndef EMBER_CZLIB_SHIM_H
#define EMBER_CZLIB_SHIM_H

#include <zlib.h>

/// `deflateInit` and `inflateInit` are macros Swift cannot call.
static inline int ember_deflate_init(z_stream *stream, int level) {
    return deflateInit(stream, level);
}

static inline int ember_inflate_init(z_stream *stream) {
    return inflateInit(stream);
}

#endif
